//! What a stage has built so far: its filesystem, image config, ARGs in scope
//! and layers. Cheap to clone (the tree is persistent), so every step can keep
//! the state it produced.

use crate::expand::Env;
use crate::fs::Tree;
use crate::image::ImageConfig;

/// One layer of an image.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImageLayer {
    pub digest: String,
    pub size: u64,
    pub created_by: String,
    /// The build step that made it (index into the result's steps), if any.
    pub step: Option<usize>,
}

/// The state of a stage between instructions.
#[derive(Clone, Debug)]
pub struct StageState {
    pub tree: Tree,
    pub config: ImageConfig,
    /// ARGs declared in this stage, with their values (None: declared, unset).
    pub args: Vec<(String, Option<String>)>,
    /// Whether CMD was set in this stage (ENTRYPOINT keeps it then).
    pub cmd_set: bool,
    /// Shared with the states of the steps before (see [`crate::chain`]).
    pub layers: crate::chain::Chain<ImageLayer>,
    /// The image ID known for each history entry (`None`: `<missing>`).
    pub history_ids: crate::chain::Chain<Option<String>>,
    /// Every program on PATH is known (so a missing one is `not found`); false
    /// once a step ran something layerlab could not simulate.
    pub programs_known: bool,
}

impl StageState {
    /// The environment words are expanded with: declared ARGs with values,
    /// then ENV (which wins over an ARG of the same name).
    pub fn expansion_env(&self) -> Env {
        let mut env = Env::new();
        for (k, v) in &self.args {
            if let Some(v) = v {
                env.set(k, v);
            }
        }
        for e in &self.config.config.env {
            match e.split_once('=') {
                Some((k, v)) => env.set(k, v),
                None => env.set(e, ""),
            }
        }
        env
    }

    /// ARGs with values that ENV does not override: what RUN records as `|N k=v`.
    pub fn args_in_effect(&self) -> Vec<(String, String)> {
        self.args
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.clone()?)))
            .filter(|(k, _)| self.config.env_get(k).is_none())
            .collect()
    }

    /// The shell for shell-form commands.
    pub fn shell(&self) -> Vec<String> {
        self.config
            .config
            .shell
            .clone()
            .unwrap_or_else(|| vec!["/bin/sh".into(), "-c".into()])
    }

    /// The working directory (`/` when unset).
    pub fn workdir(&self) -> String {
        let w = &self.config.config.working_dir;
        if w.is_empty() {
            "/".into()
        } else {
            w.clone()
        }
    }

    pub fn size(&self) -> u64 {
        self.layers.iter().map(|l| l.size).sum()
    }
}
