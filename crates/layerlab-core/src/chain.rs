//! An append-only persistent list. Every build step keeps its own image
//! history and layer list; a `Chain` made by pushing onto a copy shares every
//! element before the new one with the copy, so a step costs one node however
//! long the list is (10,000 RUN lines make 10,000 nodes, not 50 million
//! copied entries). Reading walks back from the end, which only reports do.

use std::sync::Arc;

struct Node<T> {
    value: T,
    prev: Option<Arc<Node<T>>>,
}

/// A list that is cheap to copy and to append to.
pub struct Chain<T> {
    last: Option<Arc<Node<T>>>,
    len: usize,
}

impl<T> Chain<T> {
    pub fn new() -> Self {
        Chain { last: None, len: 0 }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends `value`; copies of this chain made before are not affected.
    pub fn push_back(&mut self, value: T) {
        let prev = self.last.take();
        self.last = Some(Arc::new(Node { value, prev }));
        self.len += 1;
    }

    /// The last element.
    pub fn back(&self) -> Option<&T> {
        self.last.as_deref().map(|n| &n.value)
    }

    /// The first element (walks the chain).
    pub fn front(&self) -> Option<&T> {
        self.iter().next()
    }

    /// The elements, first to last.
    pub fn iter(&self) -> std::vec::IntoIter<&T> {
        let mut items = Vec::with_capacity(self.len);
        let mut node = self.last.as_deref();
        while let Some(n) = node {
            items.push(&n.value);
            node = n.prev.as_deref();
        }
        items.reverse();
        items.into_iter()
    }
}

impl<T> Default for Chain<T> {
    fn default() -> Self {
        Chain::new()
    }
}

impl<T> Clone for Chain<T> {
    fn clone(&self) -> Self {
        Chain {
            last: self.last.clone(),
            len: self.len,
        }
    }
}

impl<T> Drop for Chain<T> {
    /// Unlinks nodes one by one: dropping a long chain recursively would
    /// overflow the stack.
    fn drop(&mut self) {
        let mut node = self.last.take();
        while let Some(n) = node {
            match Arc::try_unwrap(n) {
                Ok(mut owned) => node = owned.prev.take(),
                Err(_) => break,
            }
        }
    }
}

impl<T> FromIterator<T> for Chain<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut chain = Chain::new();
        for v in iter {
            chain.push_back(v);
        }
        chain
    }
}

impl<T: PartialEq> PartialEq for Chain<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: Eq> Eq for Chain<T> {}

impl<T: std::fmt::Debug> std::fmt::Debug for Chain<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: serde::Serialize> serde::Serialize for Chain<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Chain<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Vec::<T>::deserialize(deserializer)?.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_share_their_past_and_keep_their_own_future() {
        let mut a: Chain<u32> = (1..=3).collect();
        let b = a.clone();
        a.push_back(4);
        assert_eq!(a.iter().copied().collect::<Vec<_>>(), [1, 2, 3, 4]);
        assert_eq!(b.iter().copied().collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!((a.front(), a.back(), a.len()), (Some(&1), Some(&4), 4));
        assert_ne!(a, b);
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, "[1,2,3,4]");
        assert_eq!(serde_json::from_str::<Chain<u32>>(&json).unwrap(), a);
    }

    #[test]
    fn a_long_chain_drops_without_recursion() {
        let long: Chain<u64> = (0..1_000_000).collect();
        assert_eq!(long.len(), 1_000_000);
        drop(long);
    }
}
