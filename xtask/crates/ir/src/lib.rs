//! specgen's intermediate representation and the diagnostics every stage reports into.
//!
//! Both spec sources (OpenAPI documents and release notes) lower into [`ir::Api`]; the
//! generator emits Rust from it, and the contract kit validates and synthesises HTTP traffic
//! from it. This crate depends on nothing but `serde_json`, so every other crate can use it
//! without pulling in a parser, a code generator or an HTTP stack.

#![deny(missing_docs)]

pub mod bounds;
pub mod diagnostics;
pub mod features;
pub mod ir;
pub mod protocol;
