//! Execution roles the simulator provisions on first use, as the AWS
//! console does when it sets up a feature (the Secrets Manager rotation
//! template creates the rotation function's role with this policy).

use crate::policy::{InlinePolicy, PolicyDocument, Role};
use crate::simulator::Simulator;
use crate::world::CallContext;

/// What the Secrets Manager rotation template lets the function's role do:
/// read and stage the secret's versions, draw passwords, and use KMS keys
/// that delegate to IAM.
const ROTATION_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"RotateSecrets","Effect":"Allow","Action":["secretsmanager:DescribeSecret","secretsmanager:GetSecretValue","secretsmanager:PutSecretValue","secretsmanager:UpdateSecretVersionStage","secretsmanager:GetRandomPassword"],"Resource":"*"},{"Sid":"UseKeys","Effect":"Allow","Action":["kms:Decrypt","kms:Encrypt","kms:GenerateDataKey"],"Resource":"*"}]}"#;

impl Simulator {
    /// Makes sure the role behind `ctx`'s assumed-role session (a rotation
    /// function's execution role) exists; a role the lab defined itself is
    /// left exactly as it is.
    pub(crate) fn ensure_rotation_role(&mut self, ctx: &CallContext) {
        let Some(rest) = ctx.caller.arn.split(":assumed-role/").nth(1) else { return };
        let Some(role_name) = rest.split('/').next() else { return };
        let account = ctx.caller.account.clone();
        if self.iam.role_by_name(&account, role_name).is_some() {
            return;
        }
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        let (Ok(trust), Ok(policy)) = (PolicyDocument::parse(trust), PolicyDocument::parse(ROTATION_POLICY)) else {
            return;
        };
        let mut role = Role::new(&account, role_name, trust);
        role.inline_policies
            .push(InlinePolicy { name: "SecretsManagerRotationTemplate".to_string(), document: policy });
        self.iam.upsert_role(role);
        self.iam_changed();
    }
}
