//! Properties of the signing functions over arbitrary inputs: every signed input is covered by the
//! signature, the key cache never changes a result, and no input makes signing panic.

use std::sync::Arc;
use std::thread;

use gaap_runtime::signing::{
    LegacyAlgorithm, SigningError, Tc3Request, Tc3Signer, sign_legacy, sign_tc3,
    sign_tc3_with_headers,
};
use proptest::prelude::*;

/// 9999-12-31T23:59:59Z, the last second TC3 signs.
const LAST_SIGNABLE_TIMESTAMP: i64 = 253_402_300_799;

#[derive(Clone, Debug)]
struct Inputs {
    method: String,
    host: String,
    path: String,
    query: String,
    content_type: String,
    payload: Vec<u8>,
    timestamp: i64,
    service: String,
    secret_id: String,
    secret_key: String,
}

impl Inputs {
    fn request(&self) -> Tc3Request<'_> {
        Tc3Request {
            method: &self.method,
            host: &self.host,
            path: &self.path,
            query: &self.query,
            content_type: &self.content_type,
            payload: &self.payload,
            timestamp: self.timestamp,
            service: &self.service,
        }
    }
}

fn inputs() -> impl Strategy<Value = Inputs> {
    (
        (
            "[A-Z]{0,7}",
            "[a-z0-9.-]{0,30}",
            "/[a-zA-Z0-9/]{0,10}",
            ".{0,40}",
            ".{0,40}",
        ),
        (
            proptest::collection::vec(any::<u8>(), 0..300),
            0..=LAST_SIGNABLE_TIMESTAMP,
            ".{0,12}",
            ".{0,40}",
            ".{0,64}",
        ),
    )
        .prop_map(
            |(
                (method, host, path, query, content_type),
                (payload, timestamp, service, secret_id, secret_key),
            )| Inputs {
                method,
                host,
                path,
                query,
                content_type,
                payload,
                timestamp,
                service,
                secret_id,
                secret_key,
            },
        )
}

/// Suffixes that end in a character other than NUL. HMAC pads a short key with zero bytes, so
/// two secret keys that differ only by trailing NULs are the same key: a property of HMAC, not a
/// gap in the signature (real secret keys are alphanumeric).
const NOT_ONLY_NULS: &str = ".{0,7}[^\\x00]";

/// Lengthening any string input, or moving the timestamp, changes the bytes that are signed.
/// Signed header values are trimmed in the canonical request (as documented), so their suffix
/// ends in a letter: blanks alone at the end change nothing, by design.
fn mutated(inputs: &Inputs, field: usize, suffix: &str, step: i64) -> Inputs {
    let mut changed = inputs.clone();
    match field {
        0 => changed.method.push_str(suffix),
        1 => changed.host.push_str(&format!("{suffix}x")),
        2 => changed.path.push_str(suffix),
        3 => changed.query.push_str(suffix),
        4 => changed.content_type.push_str(&format!("{suffix}x")),
        5 => changed.payload.extend_from_slice(suffix.as_bytes()),
        6 => {
            changed.timestamp = if changed.timestamp >= step {
                changed.timestamp - step
            } else {
                changed.timestamp + step
            }
        }
        7 => changed.service.push_str(suffix),
        _ => changed.secret_key.push_str(suffix),
    }
    changed
}

proptest! {
    #[test]
    fn tc3_signature_covers_every_signed_input(
        inputs in inputs(),
        field in 0..9usize,
        suffix in NOT_ONLY_NULS,
        step in 1..=86_400i64 * 400,
    ) {
        let original = sign_tc3(&inputs.request(), &inputs.secret_id, &inputs.secret_key).unwrap();
        let changed_inputs = mutated(&inputs, field, &suffix, step);
        let changed = sign_tc3(
            &changed_inputs.request(),
            &changed_inputs.secret_id,
            &changed_inputs.secret_key,
        )
        .unwrap();
        prop_assert_ne!(original.signature, changed.signature);
    }

    #[test]
    fn tc3_signatures_that_sign_the_action_differ_for_another_action(
        inputs in inputs(),
        action in "[A-Za-z]{1,24}",
        other in "[A-Za-z]{1,24}",
    ) {
        prop_assume!(!action.eq_ignore_ascii_case(&other));
        let sign = |action: &str| {
            sign_tc3_with_headers(
                &inputs.request(),
                &[("x-tc-action", action)],
                &inputs.secret_id,
                &inputs.secret_key,
            )
            .unwrap()
        };
        let signed = sign(&action);
        prop_assert_ne!(&signed.signature, &sign(&other).signature);
        // Case and blanks around the value are not signed, as documented.
        let shouted = format!(" {} ", action.to_ascii_uppercase());
        prop_assert_eq!(&signed.signature, &sign(&shouted).signature);
    }

    #[test]
    fn tc3_secret_id_is_named_not_signed(inputs in inputs(), suffix in ".{1,8}") {
        let original = sign_tc3(&inputs.request(), &inputs.secret_id, &inputs.secret_key).unwrap();
        let other_id = format!("{}{suffix}", inputs.secret_id);
        let changed = sign_tc3(&inputs.request(), &other_id, &inputs.secret_key).unwrap();
        prop_assert_eq!(&original.signature, &changed.signature);
        prop_assert_ne!(original.authorization, changed.authorization);
    }

    #[test]
    fn cached_signer_agrees_with_the_uncached_path(
        base in inputs(),
        calls in proptest::collection::vec((0..3usize, 0..3usize, 0..8i64, 0..86_400i64), 1..24),
    ) {
        // Few keys, services and days, so that calls hit, miss and evict cache entries.
        let secret_keys = [base.secret_key.as_str(), "key-b", "key-c"];
        let services = [base.service.as_str(), "gaap", "cvm"];
        let signer = Tc3Signer::new();
        for (key, service, day, second) in calls {
            let mut request = base.request();
            request.service = services[service];
            request.timestamp = 1_700_000_000 - 1_700_000_000 % 86_400 + day * 86_400 + second;
            prop_assert_eq!(
                signer.sign(&request, &base.secret_id, secret_keys[key]),
                sign_tc3(&request, &base.secret_id, secret_keys[key])
            );
        }
    }

    #[test]
    fn tc3_refuses_out_of_range_timestamps_without_panicking(
        inputs in inputs(),
        timestamp in any::<i64>(),
    ) {
        let mut request = inputs.request();
        request.timestamp = timestamp;
        let signer = Tc3Signer::new();
        let signed = sign_tc3(&request, &inputs.secret_id, &inputs.secret_key);
        prop_assert_eq!(&signed, &signer.sign(&request, &inputs.secret_id, &inputs.secret_key));
        if (0..=LAST_SIGNABLE_TIMESTAMP).contains(&timestamp) {
            prop_assert!(signed.is_ok());
        } else {
            prop_assert_eq!(signed, Err(SigningError::TimestampOutOfRange(timestamp)));
        }
    }

    #[test]
    fn legacy_signature_ignores_parameter_order_and_covers_every_value(
        params in proptest::collection::btree_map("[A-Za-z.0-9]{1,12}", ".{0,20}", 1..12),
        rotation in 0..12usize,
        changed_index in 0..12usize,
        suffix in NOT_ONLY_NULS,
        secret_key in ".{0,40}",
        sha256 in any::<bool>(),
    ) {
        let algorithm = if sha256 { LegacyAlgorithm::HmacSha256 } else { LegacyAlgorithm::HmacSha1 };
        let sign = |pairs: &[(String, String)], key: &str| {
            sign_legacy(algorithm, "POST", "gaap.tencentcloudapi.com", "/", pairs, key)
        };
        let sorted: Vec<(String, String)> = params.into_iter().collect();
        let original = sign(&sorted, &secret_key);

        let mut rotated = sorted.clone();
        rotated.rotate_left(rotation % sorted.len());
        prop_assert_eq!(&sign(&rotated, &secret_key), &original);

        let mut changed = sorted.clone();
        changed[changed_index % sorted.len()].1.push_str(&suffix);
        prop_assert_ne!(&sign(&changed, &secret_key).signature, &original.signature);

        let other_key = format!("{secret_key}{suffix}");
        prop_assert_ne!(&sign(&sorted, &other_key).signature, &original.signature);
    }
}

#[test]
fn one_signer_shared_by_threads_signs_like_the_uncached_path() {
    let signer = Arc::new(Tc3Signer::new());
    let workers: Vec<_> = (0..8)
        .map(|worker| {
            let signer = Arc::clone(&signer);
            thread::spawn(move || {
                let secret_key = format!("key-{}", worker % 3);
                for call in 0..200 {
                    let request = Tc3Request {
                        method: "POST",
                        host: "gaap.tencentcloudapi.com",
                        path: "/",
                        query: "",
                        content_type: "application/json",
                        payload: b"{}",
                        timestamp: 1_551_139_000 + call * 7,
                        service: "gaap",
                    };
                    assert_eq!(
                        signer.sign(&request, "id", &secret_key),
                        sign_tc3(&request, "id", &secret_key)
                    );
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
}
