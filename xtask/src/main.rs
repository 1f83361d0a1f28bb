//! `cargo xtask`: specgen's command line. It parses flags (clap) and dispatches; no logic lives
//! here.
//!
//! Generation and the tools that only run the generator (`openapi`, `corpus`, `bench`, `drift`) are
//! linked in. The contract kit's commands (`mock`, `contract`, `proxy`, `bench-mock`) need an HTTP stack
//! and an async runtime, so they live in the `specgen-kit` binary and are forwarded to it
//! (`forward.rs`): `cargo xtask codegen` never compiles a server.

mod commands;

// The generator allocates many small values (tokens, syntax trees, strings); glibc malloc spent
// a third of generation time in allocation and freeing, mimalloc far less.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod forward;

use clap::{Args, Parser, Subcommand};
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

/// specgen: an OpenAPI- and release-notes-driven code generator and contract test kit.
#[derive(Parser)]
#[command(name = "xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate generated/ from specs/ (after every spec update).
    Codegen(CodegenArgs),
    /// Print the OpenAPI document the mock serves (overlay applied) as JSON.
    Openapi(OpenapiArgs),
    /// Generate every OpenAPI 3.x document found into a scratch workspace and `cargo check` it.
    Corpus(CorpusArgs),
    /// Time generation, peak memory, output lines and `cargo check` against cargo-progenitor.
    Bench(BenchArgs),
    /// Classify every spec change as breaking or not, for the wire and the generated Rust API.
    Drift(specgen_drift::DriftArgs),
    /// Serve a validating mock of the specs (forwarded to specgen-kit; see `mock --help`).
    #[command(disable_help_flag = true)]
    Mock(Forwarded),
    /// Check a server against the spec for CI (forwarded to specgen-kit; see `contract --help`).
    #[command(disable_help_flag = true)]
    Contract(Forwarded),
    /// Forward to a sandbox and check all traffic against the spec (forwarded to specgen-kit).
    #[command(disable_help_flag = true)]
    Proxy(Forwarded),
    /// Requests/s of the mock and of Prism on the same load (forwarded to specgen-kit).
    #[command(disable_help_flag = true)]
    BenchMock(Forwarded),
    /// The child process `bench` times: generate one document into a standalone crate.
    #[command(hide = true)]
    BenchGenerate {
        /// The document.
        spec: PathBuf,
        /// The crate directory to write.
        out: PathBuf,
    },
    /// The child process `bench` runs to write a copy of a document that progenitor can read.
    #[command(hide = true)]
    BenchLossy {
        /// The document (JSON).
        spec: PathBuf,
        /// The copy to write.
        out: PathBuf,
    },
}

#[derive(Args)]
struct CodegenArgs {
    /// Fail if generated/ is stale, naming each stale, missing or orphaned file; write nothing.
    #[arg(long)]
    check: bool,
}

#[derive(Args)]
struct OpenapiArgs {
    /// The spec: an OpenAPI file or a release-notes directory.
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// Write the document here instead of standard output.
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
}

#[derive(Args)]
struct CorpusArgs {
    /// Directories, spec files, or files listing spec paths (one per line).
    #[arg(required = true, value_name = "DIR|FILE|LIST")]
    inputs: Vec<PathBuf>,
    /// Take a deterministic sample of N documents: every k-th of the sorted list.
    #[arg(long, value_name = "N")]
    sample: Option<usize>,
    /// Stop after generation; do not `cargo check` the crates.
    #[arg(long)]
    no_check: bool,
    /// The scratch workspace (default: target/corpus).
    #[arg(long, value_name = "DIR")]
    work_dir: Option<PathBuf>,
}

#[derive(Args)]
struct BenchArgs {
    /// Skip the compile timing of the generated crates.
    #[arg(long)]
    no_check: bool,
    /// Generation runs per document (the median is reported).
    #[arg(long, default_value_t = 3, value_name = "N")]
    repeat: usize,
    /// For APIs split into tag features: the tag whose one-tag consumer crate is checked cold.
    #[arg(long, default_value = "repos", value_name = "TAG")]
    consumer_tag: String,
    /// Benchmark this document instead of the defaults (repeatable).
    #[arg(long = "doc", value_name = "NAME=PATH", value_parser = commands::named_path)]
    docs: Vec<(String, PathBuf)>,
}

/// The arguments of a command that runs in `specgen-kit`, passed on untouched (`--help`
/// included, so the kit prints its own usage).
#[derive(Args)]
struct Forwarded {
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    args: Vec<OsString>,
}

fn main() -> ExitCode {
    let root = commands::repo_root();
    match Cli::parse().command {
        Command::Codegen(args) => commands::codegen(&root, args.check),
        Command::Openapi(args) => commands::openapi(&args.spec, args.out.as_deref()),
        Command::Corpus(args) => commands::corpus(&root, args),
        Command::Bench(args) => commands::bench(&root, args),
        Command::Drift(args) => specgen_drift::run(&root, &args),
        Command::BenchGenerate { spec, out } => commands::bench_generate(&spec, &out),
        Command::BenchLossy { spec, out } => commands::bench_lossy(&spec, &out),
        Command::Mock(f) => forward::to_kit(&root, "mock", &f.args),
        Command::Contract(f) => forward::to_kit(&root, "contract", &f.args),
        Command::Proxy(f) => forward::to_kit(&root, "proxy", &f.args),
        Command::BenchMock(f) => forward::to_kit(&root, "bench-mock", &f.args),
    }
}
