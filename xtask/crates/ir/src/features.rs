//! Cargo features of a large API: which operations and types each feature compiles.
//!
//! A small API is one cargo feature, named after its module. A large one (the rule and the
//! threshold live in the codegen pass `passes::features`) is also split by its operations' tags:
//! each tag becomes a feature, an operation is compiled when any of its tags' features is on,
//! and a type when any enabled operation reaches it. The pass stores the final feature names
//! here, so the emitter and the manifest writer only copy them.

use std::collections::BTreeMap;

/// The features of one API; [`FeatureGates::is_split`] is false for an API compiled whole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeatureGates {
    /// The feature that compiles the module itself with its `Client`, builder and runtime, but
    /// no operation (`github-client`); every tag feature turns it on. Empty when not split.
    pub base: String,
    /// The tag features, sorted by feature name.
    pub groups: Vec<FeatureGroup>,
    /// For each operation (by method name), the features that compile it, sorted.
    pub operations: BTreeMap<String, Vec<String>>,
    /// For each named type and per-operation type (by Rust name), the features that compile
    /// it, sorted. A type no operation reaches is compiled by the module's own feature alone.
    pub types: BTreeMap<String, Vec<String>>,
}

/// One tag feature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureGroup {
    /// The cargo feature name (`github-repos`).
    pub feature: String,
    /// What the feature stands for: the tag as written, or the path segment for APIs without
    /// tags.
    pub source: String,
    /// How many operations the feature compiles.
    pub operations: usize,
}

impl FeatureGates {
    /// True when the API is split into tag features.
    pub fn is_split(&self) -> bool {
        !self.groups.is_empty()
    }

    /// The features that compile the operation `fn_name`; empty when the API is not split.
    pub fn of_operation(&self, fn_name: &str) -> &[String] {
        self.operations.get(fn_name).map_or(&[], Vec::as_slice)
    }

    /// The features that compile the type `name`; empty when the API is not split or the type
    /// is not gated.
    pub fn of_type(&self, name: &str) -> &[String] {
        self.types.get(name).map_or(&[], Vec::as_slice)
    }
}
