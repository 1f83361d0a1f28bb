//! specgen's measurements: `cargo xtask bench` (generation and compile times against
//! progenitor, as child processes) and `cargo xtask corpus` (how many public specs generate and
//! compile). Both only run the generator and cargo; neither needs an HTTP stack.

#![deny(missing_docs)]

pub mod bench;
pub mod corpus;
pub mod lossy;
