//! Architecture layers: which modules each owns, what it may use, which crates it
//! must not name. The engine builds them from the configuration; the boundary rules
//! and the engine's layer labels read them.

use foldhash::HashMap;

/// Which of the four failure boundaries a layer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Input,
    Core,
    Infra,
    Runtime,
}

/// One layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layer {
    pub name: String,
    pub role: Option<Role>,
    /// Module path prefixes, `my_crate::core` style.
    pub modules: Vec<String>,
    /// Names of the other layers this one may use.
    pub may_use: Vec<String>,
    /// Crate names (`-` written as `_`).
    pub forbid_crates: Vec<String>,
}

/// The layers of a workspace, with an index for module lookups.
#[derive(Clone, Debug, Default)]
pub struct Layers {
    layers: Vec<Layer>,
    /// Module prefix -> index into `layers`, so a lookup costs one probe per path segment.
    index: HashMap<String, usize>,
}

impl Layers {
    pub fn new(layers: Vec<Layer>) -> Layers {
        let index = layers
            .iter()
            .enumerate()
            .flat_map(|(i, layer)| layer.modules.iter().map(move |m| (m.clone(), i)))
            .collect();
        Layers { layers, index }
    }

    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Layer> {
        self.layers.iter()
    }

    /// The layer that owns a module path: the longest matching prefix wins.
    pub fn layer_of(&self, module: &str) -> Option<&Layer> {
        if self.index.is_empty() {
            return None;
        }
        let mut prefix = module;
        loop {
            if let Some(layer) = self.index.get(prefix).and_then(|&i| self.layers.get(i)) {
                return Some(layer);
            }
            prefix = prefix.get(..prefix.rfind("::")?)?;
        }
    }
}
