//! specgen: an OpenAPI- and release-notes-driven code generator and contract test kit.
//!
//! The `xtask` binary is a thin front end over this library, so tests drive every stage
//! directly. See `ARCHITECTURE.md` for the codemap.

#![deny(missing_docs)]

pub mod bench;
pub mod codegen;
pub mod contract;
pub mod corpus;
pub mod diagnostics;
pub mod mock;
pub mod proxy;
pub mod signature;
pub mod spec;
pub mod synth;
pub mod validate;
