//! The HTTP and OpenAPI vocabulary every stage shares, defined once: path templates, which
//! documented response answers a status, JSON pointers, percent-decoding and media types.
//!
//! The generator, the mock, the sandbox rules and the contract runner all need these answers,
//! and when each derives its own they drift apart (a router that slices text at byte offsets,
//! a runner that matches `2XX` differently from the mock). Here each is a small pure function
//! with its own tests.

pub mod formats;
pub mod media;
pub mod path;
pub mod percent;
pub mod pointer;
pub mod status;
