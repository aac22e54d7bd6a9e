//! Absolute, cleaned Unix paths as the filesystem uses them.
//!
//! Every path the tree sees is absolute (`/usr/bin`), has no `.`/`..`/empty
//! components and no trailing slash; `/` is the root.

/// Go's `path.Clean` for an absolute path: resolves `.` and `..` (never above
/// `/`), collapses slashes, drops a trailing slash.
pub fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for comp in path.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    for p in &parts {
        out.push('/');
        out.push_str(p);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// Resolves `path` against the directory `base` (both Unix paths) and cleans it.
pub fn join(base: &str, path: &str) -> String {
    if path.starts_with('/') {
        clean(path)
    } else {
        clean(&format!("{base}/{path}"))
    }
}

/// The components of a cleaned absolute path (`/a/b` → `["a", "b"]`).
pub fn components(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|c| !c.is_empty())
}

/// The parent directory of a cleaned absolute path (`/` for `/a` and `/`).
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// The last component (`""` for `/`).
pub fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or("")
}

/// `base/name`, where `base` is a cleaned absolute path.
pub fn child(base: &str, name: &str) -> String {
    if base == "/" {
        format!("/{name}")
    } else {
        format!("{base}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_and_joining() {
        assert_eq!(clean("/a//b/./c/../d/"), "/a/b/d");
        assert_eq!(clean("/../.."), "/");
        assert_eq!(join("/test1", "test2"), "/test1/test2");
        assert_eq!(join("/test1/test2", ".."), "/test1");
        assert_eq!(join("/x", "/abs/"), "/abs");
        assert_eq!(parent("/a/b"), "/a");
        assert_eq!(parent("/a"), "/");
        assert_eq!(base_name("/a/b"), "b");
        assert_eq!(child("/", "etc"), "/etc");
    }
}
