//! The ESDK message format v2: a strict reader and a writer for the header,
//! framed body and footer, plus encryption-context serialization.

pub mod body;
pub mod context;
pub mod footer;
pub mod header;
pub mod reader;

pub use context::{serialize_context, EncryptionContext, PUBLIC_KEY_CONTEXT_KEY};
pub use header::Header;
pub use reader::ParseError;
