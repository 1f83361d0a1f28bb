//! Stage 4: IR-to-IR passes shared by both spec sources, run in this order after lowering:
//! [`dedupe`] merges structurally identical types, [`cycles`] boxes the references that close a
//! cycle, and [`names`] resolves every generated scope's names so no two items collide
//! ([`pagination`] tells it which operations get a stream method, and [`response_sets`] which
//! operations share one response enum, and its name); last, [`features`] splits a large API
//! into one cargo feature per tag, on the final names.

pub mod cycles;
pub mod dedupe;
pub mod features;
pub mod names;
pub mod pagination;
pub mod response_sets;
