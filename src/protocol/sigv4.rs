//! AWS Signature Version 4: reading who signed a request, verifying the
//! signature, and signing requests (for tests and in-process clients).
//!
//! Both forms are read: the `Authorization: AWS4-HMAC-SHA256 Credential=…,
//! SignedHeaders=…, Signature=…` header and presigned query parameters
//! (`X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-SignedHeaders`,
//! `X-Amz-Signature`, `X-Amz-Date`).

use super::encoding::{hex_lower, percent_decode, split_pairs, uri_encode};
use super::http::HttpRequest;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The only algorithm kmsim verifies.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The `x-amz-content-sha256` value that opts out of payload signing.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The credential part of a signature: `AKID/20250101/us-east-1/kms/aws4_request`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialScope {
    /// The access key id.
    pub access_key_id: String,
    /// The signing date, `YYYYMMDD`.
    pub date: String,
    /// The signing region.
    pub region: String,
    /// The signing service name (`kms`, `secretsmanager`, `ssm`, `iam`, `sts`).
    pub service: String,
}

impl CredentialScope {
    /// Parses `AKID/date/region/service/aws4_request`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split('/');
        let scope = CredentialScope {
            access_key_id: parts.next()?.to_string(),
            date: parts.next()?.to_string(),
            region: parts.next()?.to_string(),
            service: parts.next()?.to_string(),
        };
        let terminator = parts.next()?;
        if terminator != "aws4_request" || parts.next().is_some() || scope.access_key_id.is_empty() {
            return None;
        }
        Some(scope)
    }

    /// `date/region/service/aws4_request`, the scope line of the string to sign.
    pub fn scope_line(&self) -> String {
        format!("{}/{}/{}/aws4_request", self.date, self.region, self.service)
    }
}

/// A parsed SigV4 signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// Who signed, when, where and for which service.
    pub credential: CredentialScope,
    /// The lower-cased names of the signed headers, as listed.
    pub signed_headers: Vec<String>,
    /// The hex signature.
    pub signature: String,
    /// The `X-Amz-Date` (or `Date`) the request was signed at, when present.
    pub amz_date: Option<String>,
    /// `X-Amz-Security-Token` (temporary credentials), when present.
    pub session_token: Option<String>,
    /// Whether it came from presigned query parameters rather than a header.
    pub presigned: bool,
}

/// What a request says about its signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignatureInfo {
    /// Neither an `Authorization` header nor presigned parameters.
    Absent,
    /// Something is there but it is not a well-formed SigV4 signature. The
    /// credential scope is kept when it at least parsed.
    Malformed {
        /// Why it is malformed (for the error message).
        reason: String,
        /// The credential, if it could be read.
        credential: Option<CredentialScope>,
    },
    /// A well-formed signature (not yet verified).
    Present(Signature),
}

impl SignatureInfo {
    /// The credential scope, whether or not the rest is well formed.
    pub fn credential(&self) -> Option<&CredentialScope> {
        match self {
            SignatureInfo::Absent => None,
            SignatureInfo::Malformed { credential, .. } => credential.as_ref(),
            SignatureInfo::Present(signature) => Some(&signature.credential),
        }
    }
}

/// Reads the signature of `request` from its `Authorization` header or its
/// presigned query parameters.
pub fn read_signature(request: &HttpRequest) -> SignatureInfo {
    let session_token = request.header("x-amz-security-token").map(str::to_string);
    if let Some(header) = request.header("authorization") {
        return read_authorization_header(request, header.trim(), session_token);
    }
    let query: Vec<(String, String)> =
        split_pairs(request.query_string()).map(|(name, value)| (decode(name), decode(value))).collect();
    let param = |name: &str| query.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let Some(algorithm) = param("X-Amz-Algorithm") else {
        return SignatureInfo::Absent;
    };
    let credential = param("X-Amz-Credential").and_then(|c| CredentialScope::parse(&c));
    let malformed =
        |reason: &str| SignatureInfo::Malformed { reason: reason.to_string(), credential: credential.clone() };
    if algorithm != ALGORITHM {
        return malformed("Unsupported signing algorithm in X-Amz-Algorithm");
    }
    let (Some(scope), Some(signed), Some(signature)) =
        (credential.clone(), param("X-Amz-SignedHeaders"), param("X-Amz-Signature"))
    else {
        return malformed("Presigned request is missing X-Amz-Credential, X-Amz-SignedHeaders or X-Amz-Signature");
    };
    SignatureInfo::Present(Signature {
        credential: scope,
        signed_headers: split_signed_headers(&signed),
        signature: signature.to_ascii_lowercase(),
        amz_date: param("X-Amz-Date"),
        session_token: param("X-Amz-Security-Token").or(session_token),
        presigned: true,
    })
}

fn decode(text: &str) -> String {
    String::from_utf8_lossy(&percent_decode(text, false)).into_owned()
}

fn split_signed_headers(text: &str) -> Vec<String> {
    text.split(';').map(|h| h.trim().to_ascii_lowercase()).filter(|h| !h.is_empty()).collect()
}

fn read_authorization_header(request: &HttpRequest, header: &str, session_token: Option<String>) -> SignatureInfo {
    let (algorithm, rest) = header.split_once(char::is_whitespace).unwrap_or((header, ""));
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for component in rest.split(',') {
        let Some((name, value)) = component.trim().split_once('=') else { continue };
        match name.trim() {
            "Credential" => credential = CredentialScope::parse(value),
            "SignedHeaders" => signed_headers = Some(split_signed_headers(value)),
            "Signature" => signature = Some(value.trim().to_ascii_lowercase()),
            _ => {}
        }
    }
    if algorithm != ALGORITHM {
        return SignatureInfo::Malformed {
            reason: format!("Unsupported Authorization Type (expected {ALGORITHM})"),
            credential,
        };
    }
    let (Some(scope), Some(signed_headers), Some(signature)) = (credential.clone(), signed_headers, signature) else {
        return SignatureInfo::Malformed {
            reason: "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters."
                .to_string(),
            credential,
        };
    };
    let amz_date = request.header("x-amz-date").or_else(|| request.header("date")).map(|d| d.trim().to_string());
    SignatureInfo::Present(Signature {
        credential: scope,
        signed_headers,
        signature,
        amz_date,
        session_token,
        presigned: false,
    })
}

/// Why a signature did not verify (the caller maps these to AWS errors).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyFailure {
    /// No date to sign with (`X-Amz-Date` / `Date`), or `host` not signed.
    Incomplete(String),
    /// The computed signature differs.
    Mismatch(String),
}

/// Verifies `signature` over `request` with `secret_access_key`. The
/// request's clock time is not checked against the simulated time (kmsim's
/// clock is usually frozen far from the signer's).
pub fn verify(request: &HttpRequest, signature: &Signature, secret_access_key: &str) -> Result<(), VerifyFailure> {
    let Some(amz_date) = signature.amz_date.as_deref() else {
        return Err(VerifyFailure::Incomplete(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.".to_string(),
        ));
    };
    if !amz_date.starts_with(signature.credential.date.as_str()) {
        return Err(VerifyFailure::Mismatch(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}'",
            signature.credential.date,
            amz_date.get(..8).unwrap_or(amz_date)
        )));
    }
    let body_hash = sha256_hex(&request.body);
    let declared_hash = request.header("x-amz-content-sha256").map(str::trim);
    let payload_hashes: Vec<String> = match declared_hash {
        Some(declared) if declared.starts_with("UNSIGNED") || declared.starts_with("STREAMING") => {
            vec![declared.to_string()]
        }
        Some(declared) if !declared.eq_ignore_ascii_case(&body_hash) => {
            return Err(VerifyFailure::Mismatch(
                "The provided 'x-amz-content-sha256' header does not match what was computed.".to_string(),
            ));
        }
        Some(declared) => vec![declared.to_string()],
        None if signature.presigned => vec![body_hash, UNSIGNED_PAYLOAD.to_string()],
        None => vec![body_hash],
    };
    let key = signing_key(
        secret_access_key,
        &signature.credential.date,
        &signature.credential.region,
        &signature.credential.service,
    );
    let query = canonical_query(request.query_string(), signature.presigned);
    let headers = canonical_headers(request, &signature.signed_headers);
    let signed_list = signature.signed_headers.join(";");
    for path in canonical_path_candidates(request.path_only()) {
        for payload_hash in &payload_hashes {
            let canonical = format!(
                "{}\n{path}\n{query}\n{headers}\n{signed_list}\n{payload_hash}",
                request.method.to_ascii_uppercase()
            );
            let expected =
                hex_lower(&hmac_sha256(&key, string_to_sign(amz_date, &signature.credential, &canonical).as_bytes()));
            if bool::from(expected.as_bytes().ct_eq(signature.signature.as_bytes())) {
                return Ok(());
            }
        }
    }
    Err(VerifyFailure::Mismatch(
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
            .to_string(),
    ))
}

/// The string to sign for a canonical request.
fn string_to_sign(amz_date: &str, credential: &CredentialScope, canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{amz_date}\n{}\n{}", credential.scope_line(), sha256_hex(canonical_request.as_bytes()))
}

/// Hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    hex_lower(&Sha256::digest(data))
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    match <Hmac<Sha256> as KeyInit>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }
        // HMAC takes keys of any length; this arm cannot run.
        Err(_) => Vec::new(),
    }
}

/// The SigV4 signing key: HMAC chain over `AWS4<secret>`, date, region,
/// service and `aws4_request`.
pub fn signing_key(secret_access_key: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let date_key = hmac_sha256(format!("AWS4{secret_access_key}").as_bytes(), date.as_bytes());
    let region_key = hmac_sha256(&date_key, region.as_bytes());
    let service_key = hmac_sha256(&region_key, service.as_bytes());
    hmac_sha256(&service_key, b"aws4_request")
}

/// The canonical query string: every pair re-encoded, sorted by name then
/// value (`X-Amz-Signature` left out for presigned requests).
fn canonical_query(raw_query: &str, presigned: bool) -> String {
    let mut pairs: Vec<(String, String)> = split_pairs(raw_query)
        .map(|(name, value)| {
            (uri_encode(&percent_decode(name, false), false), uri_encode(&percent_decode(value, false), false))
        })
        .filter(|(name, _)| !(presigned && name == "X-Amz-Signature"))
        .collect();
    pairs.sort();
    pairs.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("&")
}

/// The canonical header block (each line `name:value\n`) for `signed_headers`.
fn canonical_headers(request: &HttpRequest, signed_headers: &[String]) -> String {
    let mut block = String::new();
    for name in signed_headers {
        let values: Vec<String> = request.header_values(name).map(normalize_header_value).collect();
        block.push_str(name);
        block.push(':');
        block.push_str(&values.join(","));
        block.push('\n');
    }
    block
}

/// Trims a header value and folds each run of whitespace into one space.
fn normalize_header_value(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The canonical URIs a signer may have used for `path`: the normalized path
/// encoded once (what the AWS SDKs send for these services), the wire path
/// encoded again (double encoding), and the wire path as is.
fn canonical_path_candidates(path: &str) -> Vec<String> {
    let path = if path.is_empty() { "/" } else { path };
    let decoded = percent_decode(path, false);
    let normalized_once = encode_segments(&normalize_segments(&decoded), path.ends_with('/'));
    let double_encoded = encode_segments(&normalize_segments(path.as_bytes()), path.ends_with('/'));
    let mut candidates = vec![normalized_once];
    for extra in [double_encoded, path.to_string()] {
        if !candidates.contains(&extra) {
            candidates.push(extra);
        }
    }
    candidates
}

/// Splits a path into segments, dropping empty and `.` segments and resolving `..`.
fn normalize_segments(path: &[u8]) -> Vec<&[u8]> {
    let mut segments: Vec<&[u8]> = Vec::new();
    for segment in path.split(|&b| b == b'/') {
        match segment {
            b"" | b"." => {}
            b".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    segments
}

fn encode_segments(segments: &[&[u8]], trailing_slash: bool) -> String {
    let mut out = String::from("/");
    out.push_str(&segments.iter().map(|s| uri_encode(s, false)).collect::<Vec<_>>().join("/"));
    if trailing_slash && !segments.is_empty() {
        out.push('/');
    }
    out
}

/// Credentials and scope for [`sign_request`].
#[derive(Clone, Debug)]
pub struct SigningParams<'a> {
    /// The access key id.
    pub access_key_id: &'a str,
    /// The secret access key.
    pub secret_access_key: &'a str,
    /// A session token (temporary credentials), sent as `X-Amz-Security-Token`.
    pub session_token: Option<&'a str>,
    /// The signing region.
    pub region: &'a str,
    /// The signing service (`kms`, `sts`, …).
    pub service: &'a str,
    /// The signing time, `YYYYMMDDTHHMMSSZ`.
    pub amz_date: &'a str,
}

/// Signs `request` in place as the AWS SDKs do: adds `X-Amz-Date` (and
/// `X-Amz-Security-Token`), signs every header present except
/// `authorization`, `user-agent` and `x-amzn-trace-id`, and sets
/// `Authorization`. Replaces any earlier signature.
pub fn sign_request(request: &mut HttpRequest, params: &SigningParams<'_>) {
    request.headers.retain(|(name, _)| {
        !["authorization", "x-amz-date", "x-amz-security-token"].iter().any(|h| name.eq_ignore_ascii_case(h))
    });
    request.headers.push(("X-Amz-Date".to_string(), params.amz_date.to_string()));
    if let Some(token) = params.session_token {
        request.headers.push(("X-Amz-Security-Token".to_string(), token.to_string()));
    }
    let mut signed: Vec<String> = request
        .headers
        .iter()
        .map(|(name, _)| name.to_ascii_lowercase())
        .filter(|name| !matches!(name.as_str(), "authorization" | "user-agent" | "x-amzn-trace-id"))
        .collect();
    signed.sort();
    signed.dedup();
    let credential = CredentialScope {
        access_key_id: params.access_key_id.to_string(),
        date: params.amz_date.get(..8).unwrap_or(params.amz_date).to_string(),
        region: params.region.to_string(),
        service: params.service.to_string(),
    };
    let payload_hash =
        request.header("x-amz-content-sha256").map(str::to_string).unwrap_or_else(|| sha256_hex(&request.body));
    let path = canonical_path_candidates(request.path_only()).into_iter().next().unwrap_or_else(|| "/".to_string());
    let canonical = format!(
        "{}\n{path}\n{}\n{}\n{}\n{payload_hash}",
        request.method.to_ascii_uppercase(),
        canonical_query(request.query_string(), false),
        canonical_headers(request, &signed),
        signed.join(";"),
    );
    let key = signing_key(params.secret_access_key, &credential.date, &credential.region, &credential.service);
    let signature = hex_lower(&hmac_sha256(&key, string_to_sign(params.amz_date, &credential, &canonical).as_bytes()));
    request.headers.push((
        "Authorization".to_string(),
        format!(
            "{ALGORITHM} Credential={}/{}, SignedHeaders={}, Signature={signature}",
            credential.access_key_id,
            credential.scope_line(),
            signed.join(";")
        ),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_pieces() {
        assert_eq!(canonical_query("b=2&a=1&A=0", false), "A=0&a=1&b=2");
        assert_eq!(canonical_query("X-Amz-Signature=abc&a=%7e", true), "a=~");
        assert_eq!(normalize_header_value("  a   b \t c "), "a b c");
        assert_eq!(canonical_path_candidates("/a/./b/../c/"), vec!["/a/c/", "/a/./b/../c/"]);
        assert_eq!(canonical_path_candidates("")[0], "/");
        assert_eq!(canonical_path_candidates("/%E1%88%B4")[..2], ["/%E1%88%B4", "/%25E1%2588%25B4"]);
    }

    #[test]
    fn credential_scopes_parse_strictly() {
        let scope = CredentialScope::parse("AKID/20250101/us-east-1/kms/aws4_request").unwrap();
        assert_eq!((scope.region.as_str(), scope.service.as_str()), ("us-east-1", "kms"));
        for bad in
            ["", "AKID/20250101/us-east-1/kms", "AKID/20250101/us-east-1/kms/aws4_request/x", "/d/r/s/aws4_request"]
        {
            assert!(CredentialScope::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn presigned_query_signatures_verify() {
        let query = "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256\
                     &X-Amz-Credential=AKID%2F20250101%2Fus-east-1%2Fsts%2Faws4_request\
                     &X-Amz-Date=20250101T000000Z&X-Amz-SignedHeaders=host";
        let unsigned = HttpRequest::new("GET", &format!("/?{query}")).with_header("Host", "sts.amazonaws.com");
        let canonical = format!(
            "GET\n/\n{}\n{}\nhost\n{}",
            canonical_query(query, true),
            canonical_headers(&unsigned, &["host".to_string()]),
            sha256_hex(b"")
        );
        let scope = CredentialScope::parse("AKID/20250101/us-east-1/sts/aws4_request").unwrap();
        let key = signing_key("secret", "20250101", "us-east-1", "sts");
        let signature =
            hex_lower(&hmac_sha256(&key, string_to_sign("20250101T000000Z", &scope, &canonical).as_bytes()));
        let request = HttpRequest::new("GET", &format!("/?{query}&X-Amz-Signature={signature}"))
            .with_header("Host", "sts.amazonaws.com");
        let SignatureInfo::Present(parsed) = read_signature(&request) else { panic!("not read") };
        assert!(parsed.presigned);
        assert_eq!(verify(&request, &parsed, "secret"), Ok(()));
        assert!(verify(&request, &parsed, "other").is_err());
    }

    #[test]
    fn published_signing_key_derivation() {
        // The AWS General Reference's example derived key for AKIDEXAMPLE's secret.
        let key = signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam");
        assert_eq!(hex_lower(&key), "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
    }
}
