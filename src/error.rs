//! AWS-shaped errors.
//!
//! Every failure that crosses a service boundary is an [`AwsError`]: an AWS
//! exception name (the `__type` on the wire, the JS `Error.name`), an HTTP
//! status and a human message. Cryptographic failures never say *why* they
//! failed: see [`AwsError::invalid_ciphertext`].

use std::fmt;

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $status:expr ),* $(,)?) => {
        /// Every AWS exception kmsim can raise, named exactly as AWS names it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[allow(missing_docs)]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ErrorCode {
            /// All codes, for table tests and documentation.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The AWS exception name (`__type` on the wire).
            pub fn name(self) -> &'static str {
                match self { $(ErrorCode::$variant => stringify!($variant),)* }
            }

            /// The HTTP status AWS answers with.
            pub fn http_status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status,)* }
            }

            /// Looks a code up by its AWS name.
            pub fn from_name(name: &str) -> Option<ErrorCode> {
                match name { $(stringify!($variant) => Some(ErrorCode::$variant),)* _ => None }
            }
        }
    };
}

error_codes! {
    // Shared by every AWS JSON service.
    AccessDeniedException = 400,
    ValidationException = 400,
    SerializationException = 400,
    UnknownOperationException = 400,
    UnrecognizedClientException = 400,
    InvalidSignatureException = 400,
    IncompleteSignature = 400,
    MissingAuthenticationToken = 403,
    ThrottlingException = 400,
    // Query (IAM / STS) protocol.
    SignatureDoesNotMatch = 403,
    InvalidClientTokenId = 403,
    NoSuchEntity = 404,
    EntityAlreadyExists = 409,
    MalformedPolicyDocument = 400,
    InvalidInput = 400,
    LimitExceeded = 409,
    DeleteConflict = 409,
    ExpiredToken = 400,
    PackedPolicyTooLarge = 400,
    /// IAM and STS name a denial `AccessDenied` (KMS and the JSON services `AccessDeniedException`).
    AccessDenied = 403,
    /// IAM's and STS's name for a request that fails validation.
    ValidationError = 400,
    // KMS.
    NotFoundException = 400,
    DisabledException = 400,
    KMSInvalidStateException = 400,
    InvalidCiphertextException = 400,
    IncorrectKeyException = 400,
    InvalidKeyUsageException = 400,
    AlreadyExistsException = 400,
    InvalidArnException = 400,
    /// Undocumented but what KMS returns for alias names under the reserved `alias/aws/` prefix.
    NotAuthorizedException = 400,
    InvalidAliasNameException = 400,
    InvalidMarkerException = 400,
    InvalidGrantTokenException = 400,
    InvalidGrantIdException = 400,
    LimitExceededException = 400,
    MalformedPolicyDocumentException = 400,
    UnsupportedOperationException = 400,
    KMSInternalException = 500,
    DependencyTimeoutException = 503,
    ExpiredImportTokenException = 400,
    InvalidImportTokenException = 400,
    IncorrectKeyMaterialException = 400,
    TagException = 400,
    KMSInvalidSignatureException = 400,
    DryRunOperationException = 412,
    ConflictException = 400,
    // Secrets Manager.
    ResourceNotFoundException = 400,
    InvalidParameterException = 400,
    InvalidRequestException = 400,
    InvalidNextTokenException = 400,
    ResourceExistsException = 400,
    DecryptionFailure = 400,
    EncryptionFailure = 400,
    InternalServiceError = 500,
    PreconditionNotMetException = 400,
    PublicPolicyException = 400,
    // SSM Parameter Store.
    ParameterNotFound = 400,
    ParameterAlreadyExists = 400,
    ParameterLimitExceeded = 400,
    ParameterMaxVersionLimitExceeded = 400,
    ParameterPatternMismatchException = 400,
    ParameterVersionNotFound = 400,
    ParameterVersionLabelLimitExceeded = 400,
    HierarchyLevelLimitExceededException = 400,
    HierarchyTypeMismatchException = 400,
    UnsupportedParameterType = 400,
    InvalidAllowedPatternException = 400,
    InvalidKeyId = 400,
    InvalidFilterKey = 400,
    InvalidFilterOption = 400,
    InvalidFilterValue = 400,
    InvalidNextToken = 400,
    InvalidResourceId = 400,
    InvalidResourceType = 400,
    TooManyTagsError = 400,
    TooManyUpdates = 400,
    InternalServerError = 500,
    InvalidPolicyTypeException = 400,
    InvalidPolicyAttributeException = 400,
    PoliciesLimitExceededException = 400,
    IncompatiblePolicyException = 400,
}

/// An AWS exception: name, HTTP status and message.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AwsError {
    /// Which exception.
    pub code: ErrorCode,
    /// The message AWS would show (never contains secrets).
    pub message: String,
}

/// The fixed message of every cryptographic failure: it must not say which
/// check failed (tag, context, key, format), so it is one constant.
pub const INVALID_CIPHERTEXT_MESSAGE: &str =
    "The ciphertext refers to a key that does not exist, is not valid, or the encryption context does not match.";

impl AwsError {
    /// An error with the given code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AwsError { code, message: message.into() }
    }

    /// `ValidationException` with AWS's message shape for a constraint violation.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ValidationException, message)
    }

    /// The one `InvalidCiphertextException` every decryption failure becomes.
    pub fn invalid_ciphertext() -> Self {
        Self::new(ErrorCode::InvalidCiphertextException, INVALID_CIPHERTEXT_MESSAGE)
    }

    /// The AWS exception name.
    pub fn name(&self) -> &'static str {
        self.code.name()
    }

    /// The HTTP status.
    pub fn http_status(&self) -> u16 {
        self.code.http_status()
    }
}

impl fmt::Debug for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.name(), self.message)
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.name(), self.message)
    }
}

impl std::error::Error for AwsError {}

/// Result alias used throughout the simulator.
pub type AwsResult<T> = Result<T, AwsError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_by_name_and_has_a_sane_status() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_name(code.name()), Some(*code));
            assert!(matches!(code.http_status(), 400..=599), "{code:?}");
        }
        assert_eq!(ErrorCode::NotFoundException.name(), "NotFoundException");
        assert_eq!(ErrorCode::KMSInternalException.http_status(), 500);
        assert_eq!(ErrorCode::from_name("NoSuchThing"), None);
    }
}
