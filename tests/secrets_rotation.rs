//! Secrets Manager rotation: the four steps, failures at each, schedules, the
//! built-in database rotation.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use kmsim::audit::AuditQuery;
use kmsim::secrets::ops::*;
use kmsim::secrets::{DatabaseRotation, RotationEvent, RotationStep, RotationStrategy};
use kmsim::{AwsError, CallContext, ErrorCode, Simulator};
use serde_json::json;

const FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:rotator";
const DAY: i64 = 86_400_000;

fn setup() -> (Simulator, CallContext, String) {
    let mut sim = Simulator::seeded("rotation");
    let ctx = CallContext::default_root();
    let arn = sim
        .invoke::<CreateSecret>(
            &ctx,
            CreateSecretRequest { name: "r".into(), secret_string: Some("v1".into()), ..Default::default() },
        )
        .unwrap()
        .arn;
    (sim, ctx, arn)
}

/// A generic rotation function failing at `fail_at` (if any).
fn generic(fail_at: Option<RotationStep>) -> Box<dyn kmsim::secrets::RotationFunction> {
    Box::new(move |sim: &mut Simulator, ctx: &CallContext, e: &RotationEvent| -> kmsim::AwsResult<()> {
        if Some(e.step) == fail_at {
            return Err(AwsError::new(ErrorCode::InvalidRequestException, format!("boom in {}", e.step.as_str())));
        }
        match e.step {
            RotationStep::CreateSecret => {
                sim.invoke::<PutSecretValue>(
                    ctx,
                    PutSecretValueRequest {
                        secret_id: e.secret_id.clone(),
                        client_request_token: Some(e.client_request_token.clone()),
                        secret_string: Some(format!("rotated-{}", &e.client_request_token[..8])),
                        version_stages: Some(vec!["AWSPENDING".into()]),
                        ..Default::default()
                    },
                )?;
            }
            RotationStep::FinishSecret => {
                let d = sim.invoke::<DescribeSecret>(ctx, SecretIdRequest { secret_id: e.secret_id.clone() })?;
                let current = d
                    .version_ids_to_stages
                    .unwrap_or_default()
                    .into_iter()
                    .find(|(_, s)| s.contains(&"AWSCURRENT".to_string()))
                    .map(|(id, _)| id);
                sim.invoke::<UpdateSecretVersionStage>(
                    ctx,
                    UpdateSecretVersionStageRequest {
                        secret_id: e.secret_id.clone(),
                        version_stage: "AWSCURRENT".into(),
                        move_to_version_id: Some(e.client_request_token.clone()),
                        remove_from_version_id: current,
                    },
                )?;
            }
            _ => {}
        }
        Ok(())
    })
}

fn current(sim: &mut Simulator, ctx: &CallContext, arn: &str) -> GetSecretValueResponse {
    sim.invoke::<GetSecretValue>(ctx, GetSecretValueRequest { secret_id: arn.into(), ..Default::default() }).unwrap()
}

fn rotate(sim: &mut Simulator, ctx: &CallContext, arn: &str) -> RotateSecretResponse {
    sim.invoke::<RotateSecret>(
        ctx,
        RotateSecretRequest { secret_id: arn.into(), rotation_lambda_arn: Some(FN.into()), ..Default::default() },
    )
    .unwrap()
}

#[test]
fn successful_rotation_moves_labels() {
    let (mut sim, ctx, arn) = setup();
    sim.register_rotation_function(FN, generic(None));
    let before = current(&mut sim, &ctx, &arn);
    let r = rotate(&mut sim, &ctx, &arn);
    let token = r.version_id.unwrap();
    let after = current(&mut sim, &ctx, &arn);
    assert_eq!(after.version_id, token);
    assert!(after.secret_string.unwrap().starts_with("rotated-"));
    let d = sim.invoke::<DescribeSecret>(&ctx, SecretIdRequest { secret_id: arn.clone() }).unwrap();
    let stages = d.version_ids_to_stages.unwrap();
    assert_eq!(stages[&before.version_id], vec!["AWSPREVIOUS"]);
    assert_eq!(stages[&token], vec!["AWSCURRENT"], "AWSPENDING removed after success");
    assert!(d.rotation_enabled && d.last_rotated_date.is_some());
    assert_eq!(d.rotation_lambda_arn.as_deref(), Some(FN));
    let events = sim.audit_events(&AuditQuery::default());
    assert!(events.iter().any(|e| e.event_name == "RotationSucceeded"));
    // The function called back as its execution role.
    let put = events.iter().find(|e| e.event_name == "PutSecretValue").unwrap();
    assert!(put.user_identity.arn.as_deref().unwrap().contains("assumed-role/rotator-rotation-role/rotator"));
}

#[test]
fn failure_at_each_step_keeps_current_and_leaves_pending() {
    for step in
        [RotationStep::CreateSecret, RotationStep::SetSecret, RotationStep::TestSecret, RotationStep::FinishSecret]
    {
        let (mut sim, ctx, arn) = setup();
        sim.register_rotation_function(FN, generic(Some(step)));
        let before = current(&mut sim, &ctx, &arn);
        let token = rotate(&mut sim, &ctx, &arn).version_id.unwrap();
        let after = current(&mut sim, &ctx, &arn);
        assert_eq!(after.version_id, before.version_id, "{step:?}");
        assert_eq!(after.secret_string.as_deref(), Some("v1"));
        let d = sim.invoke::<DescribeSecret>(&ctx, SecretIdRequest { secret_id: arn.clone() }).unwrap();
        assert_eq!(d.version_ids_to_stages.unwrap()[&token], vec!["AWSPENDING"], "{step:?}");
        assert!(d.last_rotated_date.is_none());
        let failure = sim.secret_rotation_failure(&arn).unwrap();
        assert_eq!(failure.step, step.as_str());
        let events = sim.audit_events(&AuditQuery::default());
        let failed = events.iter().find(|e| e.event_name == "RotationFailed").unwrap();
        assert_eq!(failed.request_parameters_value()["step"], step.as_str());
        // A second RotateSecret refuses while the rotation is unfinished.
        let e = sim
            .invoke::<RotateSecret>(&ctx, RotateSecretRequest { secret_id: arn.clone(), ..Default::default() })
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidRequestException);
        assert_eq!(e.message, "A previous rotation isn't complete. That rotation will be reattempted.");
    }
}

#[test]
fn finish_that_does_not_move_current_fails() {
    let (mut sim, ctx, arn) = setup();
    sim.register_rotation_function(FN, Box::new(|_: &mut Simulator, _: &CallContext, _: &RotationEvent| Ok(())));
    rotate(&mut sim, &ctx, &arn);
    assert_eq!(sim.secret_rotation_failure(&arn).unwrap().step, "finishSecret");
    assert_eq!(current(&mut sim, &ctx, &arn).secret_string.as_deref(), Some("v1"));
}

#[test]
fn unregistered_function_fails_visibly() {
    let (mut sim, ctx, arn) = setup();
    // As AWS answers for a Lambda function that does not exist: an error, and nothing changes.
    let e = sim
        .invoke::<RotateSecret>(
            &ctx,
            RotateSecretRequest { secret_id: arn.clone(), rotation_lambda_arn: Some(FN.into()), ..Default::default() },
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::AccessDeniedException);
    assert!(e.message.contains("cannot invoke the specified Lambda function"));
    assert!(sim.secret_rotation_failure(&arn).is_none());
    let d = sim.invoke::<DescribeSecret>(&ctx, SecretIdRequest { secret_id: arn.clone() }).unwrap();
    assert!(!d.rotation_enabled);
    assert_eq!(d.version_ids_to_stages.unwrap().len(), 1);
    // A function removed after rotation was configured fails the next rotation at "invoke".
    sim.register_rotation_function(FN, generic(None));
    rotate(&mut sim, &ctx, &arn);
    assert!(sim.unregister_rotation_function(FN));
    let e = sim
        .invoke::<RotateSecret>(&ctx, RotateSecretRequest { secret_id: arn.clone(), ..Default::default() })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::AccessDeniedException);
    // No Lambda at all.
    let other = sim
        .invoke::<CreateSecret>(
            &ctx,
            CreateSecretRequest { name: "o".into(), secret_string: Some("v".into()), ..Default::default() },
        )
        .unwrap()
        .arn;
    let e =
        sim.invoke::<RotateSecret>(&ctx, RotateSecretRequest { secret_id: other, ..Default::default() }).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidRequestException);
}

#[test]
fn rotate_immediately_false_runs_test_secret_only() {
    let (mut sim, ctx, arn) = setup();
    let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let log = seen.clone();
    sim.register_rotation_function(
        FN,
        Box::new(move |_: &mut Simulator, _: &CallContext, e: &RotationEvent| {
            log.borrow_mut().push(e.step);
            Ok(())
        }),
    );
    let r = sim
        .invoke::<RotateSecret>(
            &ctx,
            RotateSecretRequest {
                secret_id: arn.clone(),
                rotation_lambda_arn: Some(FN.into()),
                rotate_immediately: Some(false),
                rotation_rules: Some(kmsim::secrets::model::RotationRules {
                    automatically_after_days: Some(30),
                    ..Default::default()
                }),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(r.version_id.is_none());
    assert_eq!(*seen.borrow(), vec![RotationStep::TestSecret]);
    let d = sim.invoke::<DescribeSecret>(&ctx, SecretIdRequest { secret_id: arn.clone() }).unwrap();
    assert_eq!(d.version_ids_to_stages.unwrap().len(), 1, "the test version is removed");
    // The window opens at midnight 30 days on and lasts the day: its last second is reported.
    assert_eq!(d.next_rotation_date, Some(sim.now().plus_days(31).plus_millis(-1000)));
}

#[test]
fn schedules_fire_as_the_clock_advances() {
    let (mut sim, ctx, arn) = setup();
    sim.register_rotation_function(FN, generic(None));
    sim.invoke::<RotateSecret>(
        &ctx,
        RotateSecretRequest {
            secret_id: arn.clone(),
            rotation_lambda_arn: Some(FN.into()),
            rotation_rules: Some(kmsim::secrets::model::RotationRules {
                schedule_expression: Some("rate(10 days)".into()),
                ..Default::default()
            }),
            rotate_immediately: Some(false),
            ..Default::default()
        },
    )
    .unwrap();
    let first = current(&mut sim, &ctx, &arn).version_id;
    sim.advance_time(10 * DAY - 1);
    assert_eq!(current(&mut sim, &ctx, &arn).version_id, first);
    sim.advance_time(1);
    let second = current(&mut sim, &ctx, &arn).version_id;
    assert_ne!(second, first);
    sim.advance_time(25 * DAY);
    let d = sim.invoke::<DescribeSecret>(&ctx, SecretIdRequest { secret_id: arn.clone() }).unwrap();
    // Now day 35: rotations at days 10, 20 and 30 (each at its window's start,
    // midnight); the next window is day 40, reported by its last second.
    assert_eq!(d.last_rotated_date, Some(kmsim::clock::Timestamp::DEFAULT_START.plus_days(30)));
    assert_eq!(d.next_rotation_date.unwrap().to_iso8601(), "2025-02-10T23:59:59Z");
    let succeeded =
        sim.audit_events(&AuditQuery::default()).into_iter().filter(|e| e.event_name == "RotationSucceeded").count();
    assert_eq!(succeeded, 3);
    // Cancel: no more rotations.
    sim.invoke::<CancelRotateSecret>(&ctx, SecretIdRequest { secret_id: arn.clone() }).unwrap();
    let before = current(&mut sim, &ctx, &arn).version_id;
    sim.advance_time(100 * DAY);
    assert_eq!(current(&mut sim, &ctx, &arn).version_id, before);
    assert!(!sim.invoke::<DescribeSecret>(&ctx, SecretIdRequest { secret_id: arn }).unwrap().rotation_enabled);
}

#[test]
fn cron_schedule_fires() {
    let (mut sim, ctx, arn) = setup();
    sim.register_rotation_function(FN, generic(None));
    sim.invoke::<RotateSecret>(
        &ctx,
        RotateSecretRequest {
            secret_id: arn.clone(),
            rotation_lambda_arn: Some(FN.into()),
            rotation_rules: Some(kmsim::secrets::model::RotationRules {
                schedule_expression: Some("cron(0 16 1,15 * ? *)".into()),
                duration: Some("2h".into()),
                ..Default::default()
            }),
            rotate_immediately: Some(false),
            ..Default::default()
        },
    )
    .unwrap();
    let d = sim.invoke::<DescribeSecret>(&ctx, SecretIdRequest { secret_id: arn.clone() }).unwrap();
    // The 2h window 16:00–18:00: reported by its last second, rotated at its start.
    assert_eq!(d.next_rotation_date.unwrap().to_iso8601(), "2025-01-01T17:59:59Z");
    sim.advance_time(DAY);
    let d = sim.invoke::<DescribeSecret>(&ctx, SecretIdRequest { secret_id: arn.clone() }).unwrap();
    assert_eq!(d.last_rotated_date.unwrap().to_iso8601(), "2025-01-01T16:00:00Z");
    assert_eq!(d.next_rotation_date.unwrap().to_iso8601(), "2025-01-15T17:59:59Z");
    let bad = sim.invoke::<RotateSecret>(
        &ctx,
        RotateSecretRequest {
            secret_id: arn,
            rotation_rules: Some(kmsim::secrets::model::RotationRules {
                schedule_expression: Some("rate(1 hours)".into()),
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    assert_eq!(bad.unwrap_err().code, ErrorCode::InvalidParameterException);
}

#[test]
fn scheduled_rotation_retries_an_unfinished_one() {
    let (mut sim, ctx, arn) = setup();
    sim.register_rotation_function(FN, generic(Some(RotationStep::SetSecret)));
    let token = sim
        .invoke::<RotateSecret>(
            &ctx,
            RotateSecretRequest {
                secret_id: arn.clone(),
                rotation_lambda_arn: Some(FN.into()),
                rotation_rules: Some(kmsim::secrets::model::RotationRules {
                    automatically_after_days: Some(1),
                    ..Default::default()
                }),
                ..Default::default()
            },
        )
        .unwrap()
        .version_id
        .unwrap();
    sim.register_rotation_function(FN, generic(None));
    sim.advance_time(DAY);
    let now_current = current(&mut sim, &ctx, &arn);
    assert_eq!(now_current.version_id, token, "the retried rotation finished the same version");
    assert!(sim.secret_rotation_failure(&arn).is_none());
}

fn db_secret(
    sim: &mut Simulator,
    ctx: &CallContext,
    name: &str,
    user: &str,
    password: &str,
    master: Option<&str>,
) -> String {
    let mut v =
        json!({"engine":"postgres","host":"db.local","username":user,"password":password,"dbname":"app","port":5432});
    if let Some(m) = master {
        v["masterarn"] = json!(m);
    }
    sim.invoke::<CreateSecret>(
        ctx,
        CreateSecretRequest { name: name.into(), secret_string: Some(v.to_string()), ..Default::default() },
    )
    .unwrap()
    .arn
}

fn login_with_current(sim: &mut Simulator, ctx: &CallContext, arn: &str) -> bool {
    let v: serde_json::Value = serde_json::from_str(&current(sim, ctx, arn).secret_string.unwrap()).unwrap();
    sim.database_login("db.local", v["username"].as_str().unwrap(), v["password"].as_str().unwrap())
}

#[test]
fn single_user_database_rotation_keeps_the_app_logged_in() {
    let mut sim = Simulator::seeded("db");
    let ctx = CallContext::default_root();
    sim.create_database("db.local", "postgres", "app", "initial");
    let arn = db_secret(&mut sim, &ctx, "db/app", "app", "initial", None);
    sim.register_rotation_function(FN, Box::new(DatabaseRotation { strategy: RotationStrategy::SingleUser }));
    assert!(login_with_current(&mut sim, &ctx, &arn));
    sim.invoke::<RotateSecret>(
        &ctx,
        RotateSecretRequest {
            secret_id: arn.clone(),
            rotation_lambda_arn: Some(FN.into()),
            rotation_rules: Some(kmsim::secrets::model::RotationRules {
                automatically_after_days: Some(7),
                ..Default::default()
            }),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(sim.secret_rotation_failure(&arn).is_none(), "{:?}", sim.secret_rotation_failure(&arn));
    assert!(!sim.database_login("db.local", "app", "initial"), "the old password no longer works");
    for _ in 0..5 {
        sim.advance_time(7 * DAY);
        assert!(login_with_current(&mut sim, &ctx, &arn));
    }
    let rotations =
        sim.audit_events(&AuditQuery::default()).into_iter().filter(|e| e.event_name == "RotationSucceeded").count();
    assert_eq!(rotations, 6);
}

#[test]
fn alternating_users_database_rotation() {
    let mut sim = Simulator::seeded("db2");
    let ctx = CallContext::default_root();
    sim.create_database("db.local", "postgres", "admin", "root-pw");
    let master = db_secret(&mut sim, &ctx, "db/master", "admin", "root-pw", None);
    sim.database_set_password("db.local", "admin", "root-pw", "app", "p0").unwrap();
    let arn = db_secret(&mut sim, &ctx, "db/app", "app", "p0", Some(&master));
    sim.register_rotation_function(FN, Box::new(DatabaseRotation { strategy: RotationStrategy::AlternatingUsers }));
    rotate(&mut sim, &ctx, &arn);
    assert!(sim.secret_rotation_failure(&arn).is_none(), "{:?}", sim.secret_rotation_failure(&arn));
    let v: serde_json::Value = serde_json::from_str(&current(&mut sim, &ctx, &arn).secret_string.unwrap()).unwrap();
    assert_eq!(v["username"], "app_clone");
    assert!(sim.database_login("db.local", "app", "p0"), "the previous user still works during the switch");
    assert!(login_with_current(&mut sim, &ctx, &arn));
    rotate(&mut sim, &ctx, &arn);
    let v: serde_json::Value = serde_json::from_str(&current(&mut sim, &ctx, &arn).secret_string.unwrap()).unwrap();
    assert_eq!(v["username"], "app");
    assert!(login_with_current(&mut sim, &ctx, &arn));
}

#[test]
fn database_rotation_fails_when_the_password_was_changed_behind_its_back() {
    let mut sim = Simulator::seeded("db3");
    let ctx = CallContext::default_root();
    sim.create_database("db.local", "postgres", "app", "initial");
    let arn = db_secret(&mut sim, &ctx, "db/app", "app", "initial", None);
    sim.database_set_password("db.local", "app", "initial", "app", "changed-by-hand").unwrap();
    sim.register_rotation_function(FN, Box::new(DatabaseRotation { strategy: RotationStrategy::SingleUser }));
    rotate(&mut sim, &ctx, &arn);
    assert_eq!(sim.secret_rotation_failure(&arn).unwrap().step, "setSecret");
}

fn rules(expr: Option<&str>, days: Option<i64>, duration: Option<&str>) -> kmsim::secrets::model::RotationRules {
    kmsim::secrets::model::RotationRules {
        schedule_expression: expr.map(String::from),
        automatically_after_days: days,
        duration: duration.map(String::from),
    }
}

/// RotateSecret with `rules`, RotateImmediately=false (testSecret only).
fn schedule(
    sim: &mut Simulator,
    ctx: &CallContext,
    arn: &str,
    rules: kmsim::secrets::model::RotationRules,
) -> kmsim::AwsResult<RotateSecretResponse> {
    sim.invoke::<RotateSecret>(
        ctx,
        RotateSecretRequest {
            secret_id: arn.into(),
            rotation_lambda_arn: Some(FN.into()),
            rotation_rules: Some(rules),
            rotate_immediately: Some(false),
            ..Default::default()
        },
    )
}

fn next_rotation(sim: &mut Simulator, ctx: &CallContext, arn: &str) -> String {
    let d = sim.invoke::<DescribeSecret>(ctx, SecretIdRequest { secret_id: arn.into() }).unwrap();
    d.next_rotation_date.unwrap().to_iso8601()
}

fn rotations(sim: &Simulator) -> usize {
    sim.audit_events(&AuditQuery::default()).into_iter().filter(|e| e.event_name == "RotationSucceeded").count()
}

/// "The rotation window must not extend into the next rotation window or the
/// next UTC day" (RotationRulesType.Duration), and Duration is `1h`–`24h`.
#[test]
fn the_window_is_checked_against_the_schedule() {
    let (mut sim, ctx, arn) = setup();
    sim.register_rotation_function(FN, generic(None));
    for good in [
        rules(None, Some(1), Some("24h")),
        rules(Some("rate(4 hours)"), None, Some("4h")),
        rules(Some("rate(10 days)"), None, Some("1h")),
        rules(Some("cron(0 22 * * ? *)"), None, Some("2h")),
        rules(Some("cron(0 4/12 * * ? *)"), None, Some("8h")),
        rules(Some("rate(5 hours)"), None, Some("4h")),
    ] {
        schedule(&mut sim, &ctx, &arn, good.clone()).unwrap_or_else(|e| panic!("{good:?}: {e:?}"));
    }
    let kept = sim.invoke::<DescribeSecret>(&ctx, SecretIdRequest { secret_id: arn.clone() }).unwrap();
    for (bad, code) in [
        (rules(Some("rate(4 hours)"), None, Some("5h")), ErrorCode::InvalidParameterException),
        (rules(Some("cron(0 22 * * ? *)"), None, Some("3h")), ErrorCode::InvalidParameterException),
        (rules(Some("cron(0 4/12 * * ? *)"), None, Some("13h")), ErrorCode::InvalidParameterException),
        (rules(Some("rate(5 hours)"), None, Some("5h")), ErrorCode::InvalidParameterException),
        (rules(None, Some(1), Some("25h")), ErrorCode::InvalidParameterException),
        (rules(None, Some(1), Some("0h")), ErrorCode::InvalidParameterException),
        (rules(None, Some(1), Some("3d")), ErrorCode::InvalidParameterException),
        (rules(None, Some(1), Some("100h")), ErrorCode::ValidationException),
        (rules(None, Some(1), Some("h")), ErrorCode::ValidationException),
        (rules(Some("cron(30 4 * * ? *)"), None, None), ErrorCode::InvalidParameterException),
    ] {
        assert_eq!(schedule(&mut sim, &ctx, &arn, bad.clone()).unwrap_err().code, code, "{bad:?}");
    }
    let after = sim.invoke::<DescribeSecret>(&ctx, SecretIdRequest { secret_id: arn }).unwrap();
    assert_eq!(after.rotation_rules, kept.rotation_rules, "refused rules change nothing");
    assert_eq!(after.next_rotation_date, kept.next_rotation_date);
}

/// A schedule in days opens its window at midnight; kmsim rotates at the
/// window's start and reports its last second as NextRotationDate.
#[test]
fn rotation_runs_at_the_start_of_the_window_and_reports_its_end() {
    let (mut sim, ctx, arn) = setup();
    sim.register_rotation_function(FN, generic(None));
    sim.advance_time(15 * 3_600_000); // 2025-01-01T15:00Z
    schedule(&mut sim, &ctx, &arn, rules(Some("rate(1 day)"), None, Some("3h"))).unwrap();
    assert_eq!(next_rotation(&mut sim, &ctx, &arn), "2025-01-02T02:59:59Z");
    let first = current(&mut sim, &ctx, &arn).version_id;
    sim.set_time(kmsim::clock::Timestamp::parse_iso8601("2025-01-01T23:59:59.999Z").unwrap());
    assert_eq!(current(&mut sim, &ctx, &arn).version_id, first, "not before the window opens");
    sim.advance_time(1);
    assert_ne!(current(&mut sim, &ctx, &arn).version_id, first, "at the window's start");
    let d = sim.invoke::<DescribeSecret>(&ctx, SecretIdRequest { secret_id: arn.clone() }).unwrap();
    assert_eq!(d.last_rotated_date.unwrap().to_iso8601(), "2025-01-02T00:00:00Z");
    assert_eq!(next_rotation(&mut sim, &ctx, &arn), "2025-01-03T02:59:59Z");

    // Without Duration, a schedule in days keeps its window open to midnight.
    schedule(&mut sim, &ctx, &arn, rules(Some("cron(0 16 * * ? *)"), None, None)).unwrap();
    assert_eq!(next_rotation(&mut sim, &ctx, &arn), "2025-01-02T23:59:59Z");
    schedule(&mut sim, &ctx, &arn, rules(None, Some(3), None)).unwrap();
    assert_eq!(next_rotation(&mut sim, &ctx, &arn), "2025-01-05T23:59:59Z");
}

/// A schedule in hours: windows of an hour by default, opening at midnight and
/// every N hours that day (starting again at midnight, like cron increments).
#[test]
fn hourly_schedules_open_their_windows_from_midnight() {
    let (mut sim, ctx, arn) = setup();
    sim.register_rotation_function(FN, generic(None));
    schedule(&mut sim, &ctx, &arn, rules(Some("rate(5 hours)"), None, None)).unwrap();
    assert_eq!(next_rotation(&mut sim, &ctx, &arn), "2025-01-01T05:59:59Z");
    sim.advance_time(DAY);
    // 05:00, 10:00, 15:00, 20:00, then 00:00 the next day.
    assert_eq!(rotations(&sim), 5);
    let d = sim.invoke::<DescribeSecret>(&ctx, SecretIdRequest { secret_id: arn.clone() }).unwrap();
    assert_eq!(d.last_rotated_date.unwrap().to_iso8601(), "2025-01-02T00:00:00Z");
    assert_eq!(next_rotation(&mut sim, &ctx, &arn), "2025-01-02T05:59:59Z");
    schedule(&mut sim, &ctx, &arn, rules(Some("cron(0 4/12 * * ? *)"), None, None)).unwrap();
    assert_eq!(next_rotation(&mut sim, &ctx, &arn), "2025-01-02T04:59:59Z");
    schedule(&mut sim, &ctx, &arn, rules(Some("cron(0 4/12 * * ? *)"), None, Some("3h"))).unwrap();
    assert_eq!(next_rotation(&mut sim, &ctx, &arn), "2025-01-02T06:59:59Z");
}

/// "Manually updating the secret value by calling PutSecretValue or
/// UpdateSecret is considered a valid rotation" (AutomaticallyAfterDays).
#[test]
fn a_manual_update_counts_as_a_rotation_with_automatically_after_days() {
    let (mut sim, ctx, arn) = setup();
    sim.register_rotation_function(FN, generic(None));
    schedule(&mut sim, &ctx, &arn, rules(None, Some(10), None)).unwrap();
    assert_eq!(next_rotation(&mut sim, &ctx, &arn), "2025-01-11T23:59:59Z");
    sim.advance_time(5 * DAY);
    sim.invoke::<PutSecretValue>(
        &ctx,
        PutSecretValueRequest { secret_id: arn.clone(), secret_string: Some("by hand".into()), ..Default::default() },
    )
    .unwrap();
    assert_eq!(next_rotation(&mut sim, &ctx, &arn), "2025-01-16T23:59:59Z");
    sim.advance_time(6 * DAY);
    assert_eq!(rotations(&sim), 0, "the day-10 window moved to day 15");
    sim.advance_time(4 * DAY);
    assert_eq!(rotations(&sim), 1);
    // A value staged without AWSCURRENT is not an update of the secret's value.
    sim.invoke::<PutSecretValue>(
        &ctx,
        PutSecretValueRequest {
            secret_id: arn.clone(),
            secret_string: Some("staged".into()),
            version_stages: Some(vec!["STAGED".into()]),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(next_rotation(&mut sim, &ctx, &arn), "2025-01-26T23:59:59Z");
    // With a schedule expression, a manual update moves nothing.
    schedule(&mut sim, &ctx, &arn, rules(Some("rate(10 days)"), None, None)).unwrap();
    let before = next_rotation(&mut sim, &ctx, &arn);
    sim.invoke::<UpdateSecret>(
        &ctx,
        UpdateSecretRequest { secret_id: arn.clone(), secret_string: Some("again".into()), ..Default::default() },
    )
    .unwrap();
    assert_eq!(next_rotation(&mut sim, &ctx, &arn), before);
}

/// `L` in day-of-month ("the last day of the month", Secrets Manager's own
/// example `cron(0 17 L * ? *)`): the virtual clock crossing month ends sees
/// one rotation on each last day, February's 28th included, and
/// NextRotationDate always falls in the coming last day.
#[test]
fn cron_last_day_of_the_month_rotates_as_the_clock_advances() {
    let (mut sim, ctx, arn) = setup();
    sim.register_rotation_function(FN, generic(None));
    schedule(&mut sim, &ctx, &arn, rules(Some("cron(0 0 L * ? *)"), None, None)).unwrap();
    // A schedule in days: the window runs from midnight to the end of the day.
    assert_eq!(next_rotation(&mut sim, &ctx, &arn), "2025-01-31T23:59:59Z");
    sim.advance_time(30 * DAY); // 2025-01-31T00:00Z: the window opens
    assert_eq!(rotations(&sim), 1);
    let d = sim.invoke::<DescribeSecret>(&ctx, SecretIdRequest { secret_id: arn.clone() }).unwrap();
    assert_eq!(d.last_rotated_date.unwrap().to_iso8601(), "2025-01-31T00:00:00Z");
    assert_eq!(next_rotation(&mut sim, &ctx, &arn), "2025-02-28T23:59:59Z");
    sim.advance_time(27 * DAY); // 2025-02-27: not yet
    assert_eq!(rotations(&sim), 1);
    sim.advance_time(DAY); // 2025-02-28
    assert_eq!(rotations(&sim), 2);
    assert_eq!(next_rotation(&mut sim, &ctx, &arn), "2025-03-31T23:59:59Z");
    sim.advance_time(62 * DAY); // 2025-05-01: March 31st and April 30th
    assert_eq!(rotations(&sim), 4);
    let d = sim.invoke::<DescribeSecret>(&ctx, SecretIdRequest { secret_id: arn.clone() }).unwrap();
    assert_eq!(d.last_rotated_date.unwrap().to_iso8601(), "2025-04-30T00:00:00Z");
    assert_eq!(next_rotation(&mut sim, &ctx, &arn), "2025-05-31T23:59:59Z");
}
