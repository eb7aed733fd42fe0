//! AWS managed keys (`aws/secretsmanager`, `aws/ssm`, …): created by a service
//! the first time it needs one in an account and region, rotated yearly,
//! refusing management calls.

use super::model::{BackingKey, Key, KeyManager, KeyPolicy, KeyState, Origin, RotationSettings};
use crate::audit::AuditResource;
use crate::bytes::SecretBytes;
use crate::error::AwsResult;
use crate::kms::model::Alias;
use crate::simulator::{Service, Simulator};
use crate::world::PARTITION;
use serde_json::json;

/// What AWS writes for each managed key.
fn managed_key_profile(service: &str) -> (&'static str, &'static str) {
    match service {
        "secretsmanager" => {
            ("Default key that protects my Secrets Manager data when no other key is defined", "secretsmanager")
        }
        "ssm" => ("Default key that protects my SSM parameters when no other key is defined", "ssm"),
        "lambda" => ("Default master key that protects my Lambda functions when no other key is defined", "lambda"),
        "s3" => ("Default master key that protects my S3 objects when no other key is defined", "s3"),
        "ebs" => ("Default master key that protects my EBS volumes when no other key is defined", "ec2"),
        "rds" => ("Default master key that protects my RDS database volumes when no other key is defined", "rds"),
        _ => ("Default key for an AWS service", "unknown"),
    }
}

impl Simulator {
    /// The ARN of the AWS managed key `alias/aws/<service>` in `account` and
    /// `region`, creating it on first use as the service would.
    pub fn aws_managed_key(&mut self, service: &str, account: &str, region: &str) -> AwsResult<String> {
        let alias_name = format!("alias/aws/{service}");
        let alias_arn = format!("arn:{PARTITION}:kms:{region}:{account}:{alias_name}");
        if let Some(alias) = self.kms.aliases.get(&alias_arn) {
            let key_arn = format!("arn:{PARTITION}:kms:{region}:{account}:key/{}", alias.target_key_id);
            if self.kms.keys.contains_key(&key_arn) {
                return Ok(key_arn);
            }
        }
        let id = self.random_uuid()?;
        let mut material = SecretBytes::zeroed(32);
        self.random_bytes(material.expose_mut())?;
        let now = self.now();
        let arn = format!("arn:{PARTITION}:kms:{region}:{account}:key/{id}");
        let (description, _) = managed_key_profile(service);
        let key = Key {
            id: id.clone(),
            arn: arn.clone(),
            account: account.to_string(),
            region: region.to_string(),
            description: description.to_string(),
            manager: KeyManager::Aws,
            key_usage: "ENCRYPT_DECRYPT".to_string(),
            key_spec: "SYMMETRIC_DEFAULT".to_string(),
            origin: Origin::AwsKms,
            state: KeyState::Enabled,
            creation_date: now,
            deletion_date: None,
            pending_window_days: None,
            // The policy module's text: the one the engine and the docs agree on.
            policy: KeyPolicy::from_text(crate::policy::aws_managed_key_policy_text(account, region, service)),
            tags: Vec::new(),
            material: vec![BackingKey::new(1, material, now, None)],
            // AWS managed keys rotate every year.
            rotation: RotationSettings {
                enabled: true,
                period_days: Some(365),
                next_rotation: Some(now.plus_days(365)),
            },
            imported: None,
            grants: Vec::new(),
            on_demand_rotations: 0,
            import_parameters: None,
            imported_material_digest: None,
            audit_entry: Default::default(),
        };
        self.kms.keys.insert(arn.clone(), key);
        self.kms.aliases.insert(
            alias_arn.clone(),
            Alias {
                name: alias_name,
                arn: alias_arn,
                account: account.to_string(),
                region: region.to_string(),
                target_key_id: id,
                creation_date: now,
                last_updated_date: now,
            },
        );
        let resource = AuditResource {
            arn: arn.as_str().into(),
            account_id: account.into(),
            resource_type: "AWS::KMS::Key".into(),
        };
        self.record_service_event(
            Service::Kms,
            "CreateKey",
            now,
            region,
            resource,
            json!({ "aliasName": format!("alias/aws/{service}") }),
        );
        Ok(arn)
    }
}
