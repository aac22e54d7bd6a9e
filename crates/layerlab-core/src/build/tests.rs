//! Build semantics tests (rules cite ../shared/conformance/SEMANTICS.md).
