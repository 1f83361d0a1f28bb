//! specgen's contract kit: everything that speaks HTTP.
//!
//! It reads only the IR (through `specgen-codegen`'s loader for one `--spec` file), never the
//! generated crate, so a broken `generated/` can still be regenerated. The validator and the
//! synthesiser are shared by the mock server (requests in, documented answers out) and the
//! contract runner (requests out, answers checked).

#![deny(missing_docs)]

pub mod contract;
pub mod mock;
pub mod proxy;
pub mod signature;
pub mod synth;
pub mod validate;
