//! Request signatures as vendors define them in their prose and our overlays record them
//! (`x-specgen-request-signature`): base64(HMAC-SHA256(secret, parts concatenated)), the parts
//! being headers, the path, the method and the body. The contract runner signs with it and the
//! mock verifies with it, the same way the generated client's `HmacSigner` signs.

use base64::Engine as _;
use hmac::Mac as _;
use specgen_ir::ir::{SignaturePart, SignatureScheme};

/// The signature of a request: `header` looks up a request header's value by name.
pub fn sign(
    scheme: &SignatureScheme,
    secret: &[u8],
    method: &str,
    path: &str,
    header: &dyn Fn(&str) -> Option<String>,
    body: &[u8],
) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret)
        .expect("HMAC accepts keys of any length");
    for part in &scheme.message {
        match part {
            SignaturePart::Header(name) => mac.update(header(name).unwrap_or_default().as_bytes()),
            SignaturePart::Path => mac.update(path.as_bytes()),
            SignaturePart::Method => mac.update(method.as_bytes()),
            SignaturePart::Body => mac.update(body),
        }
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}
