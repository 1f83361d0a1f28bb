//! Partner API v4.3.0's preauthorisation rules (seed 003): `invoiceId` unique (409); `amount` > 0
//! and `sender` ≠ `receiver` (400); only `AUTHORIZED` can be settled, a zero or negative amount
//! and an amount above the authorised one are 409; a preauthorisation past `expiresAt` is
//! `EXPIRED`.

use super::store::{Limits, Store};
use super::{Call, Outcome, fresh_id, now, timestamp};
use serde_json::{Map, Value};
use specgen_ir::ir::Method;

/// How long a preauthorisation lives when the request names no `expiresAt`.
const DEFAULT_PREAUTH_TTL_HOURS: i64 = 24;

/// The preauthorisations, by invoice id.
#[derive(Debug)]
pub struct Partner {
    preauths: Store<String, Preauth>,
}

impl Partner {
    /// No preauthorisations yet.
    pub fn new(limits: Limits) -> Self {
        Partner {
            preauths: Store::new(limits),
        }
    }

    /// How many records are held.
    pub fn records(&self) -> usize {
        self.preauths.len()
    }
}

#[derive(Debug, Clone)]
struct Preauth {
    transaction_id: String,
    invoice_id: String,
    sender: String,
    receiver: String,
    amount: String,
    contract_address: Option<String>,
    status: &'static str,
    settled_amount: Option<String>,
    transaction_hash: Option<String>,
    expires_at: chrono::DateTime<chrono::FixedOffset>,
    created_at: String,
    updated_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    Create,
    Get,
    Settle,
}

fn rule_for(method: Method, shape: &str) -> Option<Rule> {
    Some(match (method, shape) {
        (Method::Post, "/onchain-preauth") => Rule::Create,
        (Method::Get, "/onchain-preauth/{}") => Rule::Get,
        (Method::Post, "/onchain-preauth/{}/settle") => Rule::Settle,
        _ => return None,
    })
}

/// The outcome of the preauthorisation rule for `call`, if one covers it.
pub fn apply(state: &mut Partner, call: &Call<'_>, shape: &str) -> Option<Outcome> {
    let rule = rule_for(call.method, shape)?;
    let mut out = Map::new();
    let mut set = |k: &str, v: Value| {
        out.insert(k.to_owned(), v);
    };
    match rule {
        Rule::Create => {
            let invoice = call.text("invoiceId").unwrap_or_default();
            let amount = call.text("amount").unwrap_or_default();
            let sender = call.text("sender").unwrap_or_default();
            let receiver = call.text("receiver").unwrap_or_default();
            if decimal(&amount).is_none_or(|a| a <= 0) {
                return err(400, "Amount must be greater than zero".to_owned());
            }
            if sender.eq_ignore_ascii_case(&receiver) {
                return err(400, "Sender and receiver cannot match".to_owned());
            }
            if state.preauths.contains_key(&invoice) {
                return err(409, "Invoice already exists".to_owned());
            }
            let created = now();
            let expires_at = match call.text("expiresAt") {
                Some(t) => match chrono::DateTime::parse_from_rfc3339(&t) {
                    Ok(t) => t,
                    Err(_) => return err(400, "Invalid expires_at format"),
                },
                None => created + chrono::Duration::hours(DEFAULT_PREAUTH_TTL_HOURS),
            };
            let p = Preauth {
                transaction_id: fresh_id(),
                invoice_id: invoice.clone(),
                sender,
                receiver,
                amount,
                contract_address: call.text("contractAddress"),
                status: "AUTHORIZED",
                settled_amount: None,
                transaction_hash: None,
                expires_at,
                created_at: timestamp(created),
                updated_at: timestamp(created),
            };
            preauth_fields(&p, &mut set);
            state.preauths.insert(invoice, p);
        }
        Rule::Get | Rule::Settle => {
            let invoice = call.param(0);
            let Some(p) = state.preauths.get_mut(&invoice) else {
                return err(404, "Preauthorization not found".to_owned());
            };
            if p.status == "AUTHORIZED" && now() > p.expires_at {
                p.status = "EXPIRED";
                p.updated_at = timestamp(now());
            }
            if rule == Rule::Settle {
                if p.status == "EXPIRED" {
                    return err(409, "Pre-authorization expired".to_owned());
                }
                if p.status != "AUTHORIZED" {
                    return err(409, format!("Invalid settlement state: {}", p.status));
                }
                let amount = call.text("amount").unwrap_or_default();
                let Some(units) = decimal(&amount).filter(|a| *a > 0) else {
                    return err(409, "Amount must be greater than zero".to_owned());
                };
                if decimal(&p.amount).is_some_and(|authorized| units > authorized) {
                    return err(
                        409,
                        "Settlement exceeds authorized amount with allowed tip".to_owned(),
                    );
                }
                p.status = "SETTLED";
                p.settled_amount = Some(amount);
                p.transaction_hash = Some(format!("0x{}", uuid::Uuid::new_v4().simple()));
                p.updated_at = timestamp(now());
            }
            preauth_fields(p, &mut set);
        }
    }
    Some(Outcome::Success(out))
}

fn preauth_fields(p: &Preauth, set: &mut impl FnMut(&str, Value)) {
    let s = |v: &str| Value::String(v.to_owned());
    set("transactionId", s(&p.transaction_id));
    set("invoiceId", s(&p.invoice_id));
    set("sender", s(&p.sender));
    set("receiver", s(&p.receiver));
    set("amount", s(&p.amount));
    set("authorizedAmount", s(&p.amount));
    set(
        "settledAmount",
        s(p.settled_amount.as_deref().unwrap_or("0")),
    );
    if let Some(c) = &p.contract_address {
        set("contractAddress", s(c));
    }
    if let Some(h) = &p.transaction_hash {
        set("transactionHash", s(h));
    }
    set("status", s(p.status));
    set("expiresAt", s(&timestamp(p.expires_at)));
    set("createdAt", s(&p.created_at));
    set("updatedAt", s(&p.updated_at));
}

/// A decimal amount as an integer number of 10^-18 units, so comparisons are exact.
pub fn decimal(text: &str) -> Option<i128> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
        || fraction.len() > 18
        || whole.len() > 20
    {
        return None;
    }
    let whole: i128 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let fraction: i128 = format!("{fraction:0<18}").parse().ok()?;
    let units = whole * 10i128.pow(18) + fraction;
    Some(if negative { -units } else { units })
}

fn err(code: u16, message: impl Into<String>) -> Option<Outcome> {
    Some(Outcome::Error(code, message.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_compare_exactly() {
        assert_eq!(decimal("150.75"), Some(150_750_000_000_000_000_000));
        assert!(decimal("0.1").unwrap() + decimal("0.2").unwrap() == decimal("0.3").unwrap());
        assert_eq!(decimal("-1"), Some(-1_000_000_000_000_000_000));
        assert_eq!(decimal("abc"), None);
        assert_eq!(decimal(""), None);
    }

    #[test]
    fn rules_key_on_method_and_path_shape() {
        assert_eq!(
            rule_for(
                Method::Post,
                &super::super::shape("/onchain-preauth/{id}/settle")
            ),
            Some(Rule::Settle)
        );
        assert_eq!(rule_for(Method::Get, "/onchain-preauth"), None);
    }
}
