//! Property tests: for random sequences of filesystem edits, the union of the
//! per-step diffs equals the final tree, and applying diff(a, b) to a gives b.

use proptest::prelude::*;

use super::*;

#[derive(Clone, Debug)]
enum Op {
    Write(usize, usize, u8),
    Remove(usize),
    Mkdir(usize),
    Chmod(usize, u32),
    Symlink(usize, usize),
}

const PATHS: &[&str] = &["/a", "/a/b", "/a/b/c", "/a/d", "/e", "/e/f", "/e/f/g", "/h"];

fn op() -> impl Strategy<Value = Op> {
    let p = 0..PATHS.len();
    prop_oneof![
        (p.clone(), 0..40usize, any::<u8>()).prop_map(|(i, n, b)| Op::Write(i, n, b)),
        p.clone().prop_map(Op::Remove),
        p.clone().prop_map(Op::Mkdir),
        (
            p.clone(),
            prop_oneof![Just(0o644u32), Just(0o755), Just(0o600)]
        )
            .prop_map(|(i, m)| Op::Chmod(i, m)),
        (p.clone(), p).prop_map(|(i, j)| Op::Symlink(i, j)),
    ]
}

fn run(tree: &mut Tree, op: &Op) {
    // Failing edits (missing parents, files in the way) are simply skipped.
    let _ = match op {
        Op::Write(i, n, b) => tree.write_file(PATHS[*i], Meta::FILE, Content::bytes(vec![*b; *n])),
        Op::Remove(i) => tree.remove(PATHS[*i]).map(|_| ()),
        Op::Mkdir(i) => tree.mkdir_all(PATHS[*i], Meta::DIR),
        Op::Chmod(i, m) => tree.set_meta(
            PATHS[*i],
            Meta {
                mode: *m,
                uid: 0,
                gid: 0,
            },
        ),
        Op::Symlink(i, j) => {
            if tree.get(PATHS[*i]).is_some_and(Node::is_dir) {
                Ok(())
            } else {
                tree.mkdir_all(path::parent(PATHS[*i]), Meta::DIR)
                    .and_then(|_| tree.insert(PATHS[*i], Node::symlink(PATHS[*j])))
            }
        }
    };
}

proptest! {
    #[test]
    fn union_of_diffs_is_the_final_tree(steps in prop::collection::vec(prop::collection::vec(op(), 1..6), 1..6)) {
        let mut current = Tree::new();
        let mut layers = Vec::new();
        for step in &steps {
            let mut next = current.clone();
            for op in step {
                run(&mut next, op);
            }
            layers.push(diff(&current, &next));
            current = next;
        }
        prop_assert_eq!(union(&layers), current);
    }

    #[test]
    fn applying_a_diff_gives_the_upper_tree(a_ops in prop::collection::vec(op(), 0..12), b_ops in prop::collection::vec(op(), 0..12)) {
        let mut a = Tree::new();
        for op in &a_ops { run(&mut a, op); }
        let mut b = Tree::new();
        for op in &b_ops { run(&mut b, op); }
        let layer = diff(&a, &b);
        let mut applied = a.clone();
        layer.apply(&mut applied);
        prop_assert_eq!(applied, b);
        prop_assert_eq!(diff(&a, &a), LayerDiff::default());
    }
}
