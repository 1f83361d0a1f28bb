//! The naming pass: after lowering, every generated scope gets collision-free names, whichever
//! spec source produced the IR.
//!
//! Lowerers name items as they create them (types, fields and variants each in their own
//! namespace), but some scopes gather names from several places and only exist once the whole
//! API is known:
//!
//! - the client: the builder methods `Client` always has ([`CLIENT_METHODS`]), one constructor
//!   per server, and one method per operation share `impl Client`. An `operationId: sandbox`
//!   beside a server called sandbox would otherwise give two `fn sandbox` (E0592);
//! - each operation's argument list: path parameters and the idempotency key are positional,
//!   beside `params` (the `{Op}Params` struct) and `body`. A path parameter `{params}` would
//!   otherwise give two `params` arguments.
//!
//! Claim order decides who keeps a name, and it is fixed: builder methods, then operations in
//! method-name order, then servers in document order, then the stream methods of paged
//! operations (`{op}_stream`); in an argument list, the fixed names the
//! emitter uses (`self_`, `params`, `body`), then positional parameters in order. So a spec that
//! had no collision keeps every name it had. In `types`, the enums that several operations
//! share (`response_sets`) are named after every name the lowerer claimed.

use crate::ir::{Api, ParamLocation};
use crate::naming::Namespace;

/// Method names the generated `Client` defines itself; no operation or server may take them.
/// A test compares this list with the methods the emitter actually writes.
pub const CLIENT_METHODS: &[&str] = &[
    "new",
    "base_url",
    "with_bearer_token",
    "with_basic_auth",
    "with_api_key",
    "with_http_client",
    "with_signer",
    "with_signing_secret",
    "with_retry_policy",
    "with_timeouts",
    "with_options",
    "http_client",
    "credentials",
];

/// Argument names the emitter writes itself in every operation method.
pub const FIXED_ARGUMENTS: &[&str] = &["self_", "params", "body"];

/// Resolves the client scope and every operation's argument list of `api`.
pub fn resolve_scopes(api: &mut Api) {
    let mut client = Namespace::with_reserved(CLIENT_METHODS.iter().copied());
    api.operations.sort_by(|a, b| a.fn_name.cmp(&b.fn_name));
    for op in &mut api.operations {
        op.fn_name = client.claim(&op.fn_name);
    }
    for server in &mut api.servers {
        server.fn_name = client.claim(&server.fn_name);
    }
    // Stream methods come last, so adding pagination never renames an existing method.
    let paged: Vec<bool> = api
        .operations
        .iter()
        .map(|op| super::pagination::detect_pagination(op, api).is_some())
        .collect();
    for (op, paged) in api.operations.iter_mut().zip(paged) {
        op.stream_fn = paged.then(|| {
            let base = op.fn_name.trim_start_matches("r#");
            client.claim(&format!("{base}_stream"))
        });
    }
    // Shared response enums are named last in `types`, after every name the lowerer claimed.
    super::response_sets::share_response_enums(api);
    for op in &mut api.operations {
        let mut arguments = Namespace::with_reserved(FIXED_ARGUMENTS.iter().copied());
        for param in &mut op.params {
            if is_positional(param.location, param.idempotency_key) {
                param.name = arguments.claim(&param.name);
            }
        }
    }
}

/// Path parameters and the idempotency key are method arguments; the other parameters are
/// fields of the `{Op}Params` struct, a scope of their own.
fn is_positional(location: ParamLocation, idempotency_key: bool) -> bool {
    location == ParamLocation::Path || idempotency_key
}
