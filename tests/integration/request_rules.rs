//! One failing case per rule of SPEC section 2, and one request with many faults.

use dialsim::enterprise::{Agent, AgentGroup, Enterprise, Ivr, TaskTemplate, TimeCondition, Voice};
use dialsim::request::{ProblemCode, WarningCode, validate, validate_with};
use serde_json::{Map, Value, json};

fn base() -> Map<String, Value> {
    json!({"EnterpriseId": 36, "Name": "spring", "Type": 1, "Cnos": "1000,1001"})
        .as_object()
        .cloned()
        .expect("object")
}

fn with(changes: Value) -> Map<String, Value> {
    let mut m = base();
    for (k, v) in changes.as_object().expect("object") {
        if v.is_null() {
            m.remove(k);
        } else {
            m.insert(k.clone(), v.clone());
        }
    }
    m
}

/// The single problem a request has: its code and parameter.
fn check(changes: Value, code: ProblemCode, param: &str) {
    let v = validate(&with(changes.clone()), None);
    assert!(
        v.problems
            .iter()
            .any(|p| p.code == code && p.param == param),
        "{changes}: expected {code:?} on {param}, got {:#?}",
        v.problems
    );
    assert!(v.task.is_none());
}

#[test]
fn base_request_is_valid() {
    let v = validate(&base(), None);
    assert!(v.is_valid(), "{:#?}", v.problems);
}

#[test]
fn one_failing_case_per_rule() {
    use ProblemCode::*;
    let long = "x".repeat(1001);
    let cases: Vec<(Value, ProblemCode, &str)> = vec![
        (
            json!({"EnterpriseId": null}),
            MissingParameter,
            "EnterpriseId",
        ),
        (json!({"EnterpriseId": 0}), OutOfRange, "EnterpriseId"),
        (json!({"EnterpriseId": "abc"}), InvalidType, "EnterpriseId"),
        (json!({"Name": null}), MissingParameter, "Name"),
        (json!({"Name": "n".repeat(50)}), TooLong, "Name"),
        (json!({"Name": "%E6%98%A5".repeat(50)}), TooLong, "Name"),
        (
            json!({"Description": "d".repeat(200)}),
            TooLong,
            "Description",
        ),
        (json!({"Type": null}), MissingParameter, "Type"),
        (json!({"Type": 3}), InvalidCode, "Type"),
        (json!({"Type": true}), InvalidType, "Type"),
        (json!({"AutoStart": 2}), InvalidCode, "AutoStart"),
        (
            json!({"AutoStart": 1}),
            ConditionallyRequired,
            "AutoStartDay/AutoStartTime",
        ),
        (
            json!({"AutoStart": 1, "AutoStartDay": "2026-02-30"}),
            InvalidFormat,
            "AutoStartDay",
        ),
        (
            json!({"AutoStart": 1, "AutoStartTime": "8:00"}),
            InvalidFormat,
            "AutoStartTime",
        ),
        (
            json!({"AutoStop": 1}),
            ConditionallyRequired,
            "AutoStopDay/AutoStopTime",
        ),
        (
            json!({"AutoStop": 1, "AutoStopDay": "01/02/2026"}),
            InvalidFormat,
            "AutoStopDay",
        ),
        // Forms jiff reads as a date or a time but the platform's yyyy-MM-dd and HH:mm:ss do not.
        (
            json!({"AutoStop": 1, "AutoStopDay": "20260102"}),
            InvalidFormat,
            "AutoStopDay",
        ),
        (
            json!({"AutoStop": 1, "AutoStopDay": "2026-01-02T00"}),
            InvalidFormat,
            "AutoStopDay",
        ),
        (
            json!({"AutoStart": 1, "AutoStartTime": "08:00:0"}),
            InvalidFormat,
            "AutoStartTime",
        ),
        (
            json!({"AutoStart": 1, "AutoStartTime": " 8:00:00"}),
            InvalidFormat,
            "AutoStartTime",
        ),
        (
            json!({"AutoStart": 1, "AutoStartTime": "8:00:00"}),
            InvalidFormat,
            "AutoStartTime",
        ),
        (
            json!({"AutoStop": 1, "AutoStopTime": "25:00:00"}),
            InvalidFormat,
            "AutoStopTime",
        ),
        (
            json!({"AutoStart": 1, "AutoStartTime": "18:00:00", "AutoStop": 1, "AutoStopTime": "09:00:00"}),
            Conflict,
            "AutoStopDay/AutoStopTime",
        ),
        (json!({"ForceEndFlag": 5}), InvalidCode, "ForceEndFlag"),
        (json!({"AutoTaskType": 2}), InvalidCode, "AutoTaskType"),
        (
            json!({"AutoTaskType": 1}),
            ConditionallyRequired,
            "AutoTriggerTimeStrategy",
        ),
        (
            json!({"AutoTaskType": 1, "AutoTriggerTimeStrategy": "9,x"}),
            InvalidFormat,
            "AutoTriggerTimeStrategy",
        ),
        (json!({"AutoComplete": 3}), InvalidCode, "AutoComplete"),
        (
            json!({"RetryStrategy": "{retry:2}"}),
            InvalidJson,
            "RetryStrategy",
        ),
        (
            json!({"RetryStrategy": {"retry": 2, "strategy": [{"round": 1, "time": "0-0-10"}]}}),
            InvalidJson,
            "RetryStrategy.strategy",
        ),
        (
            json!({"RetryStrategy": {"retry": 1, "strategy": [{"round": 1, "time": "0-25-0"}]}}),
            InvalidFormat,
            "RetryStrategy.strategy[0].time",
        ),
        (
            json!({"RetryStrategy": {"retry": 2, "strategy": [{"round": 1, "time": "0-1-0"}, {"round": 2, "time": "0-0-30"}]}}),
            InvalidJson,
            "RetryStrategy.strategy[1].time",
        ),
        (
            json!({"RetryStrategy": [{"condition": {"sipCause": ["486"]}, "retry": 1, "strategy": [{"round": 1, "time": "0-0-5"}]}]}),
            Conflict,
            "RetryStrategy",
        ),
        (
            json!({"RetryStrategyTimeType": 3}),
            InvalidCode,
            "RetryStrategyTimeType",
        ),
        (
            json!({"RetryStrategyOnlyToday": 4}),
            InvalidCode,
            "RetryStrategyOnlyToday",
        ),
        (
            json!({"CallPriorityStrategy": {"strategy": [{"sort": 1, "type": "lastCall"}]}}),
            InvalidJson,
            "CallPriorityStrategy.strategy[0].type",
        ),
        (
            json!({"CustomerClidsCategory": 3}),
            InvalidCode,
            "CustomerClidsCategory",
        ),
        (
            json!({"CustomerClidsCategory": 1}),
            ConditionallyRequired,
            "CustomerClids",
        ),
        (
            json!({"CustomerClidsCategory": 2}),
            ConditionallyRequired,
            "CustomerClids",
        ),
        (
            json!({"CustomerClidsCategory": 4}),
            ConditionallyRequired,
            "CustomerClidsGroup",
        ),
        (
            json!({"CustomerClidsCategory": 5}),
            ConditionallyRequired,
            "CustomerClidsGroup",
        ),
        (
            json!({"CustomerClids": "77a"}),
            InvalidFormat,
            "CustomerClids",
        ),
        (
            json!({"CustomerClidType": 3}),
            InvalidCode,
            "CustomerClidType",
        ),
        (
            json!({"ClidProperty": {"defaultAreaCode": "x1"}}),
            InvalidJson,
            "ClidProperty.defaultAreaCode",
        ),
        (
            json!({"CustomerClidWeightFlag": 1, "CustomerClidsCategory": 1, "CustomerClids": "1"}),
            ConditionallyRequired,
            "CustomerClidWeight",
        ),
        (
            json!({"CustomerClidWeight": [{"number": "1", "weight": 0}]}),
            InvalidJson,
            "CustomerClidWeight[0].weight",
        ),
        (json!({"CustomerTimeout": 4}), OutOfRange, "CustomerTimeout"),
        (
            json!({"CustomerTimeout": 61}),
            OutOfRange,
            "CustomerTimeout",
        ),
        (
            json!({"CallRouteStrategy": 3}),
            InvalidCode,
            "CallRouteStrategy",
        ),
        (
            json!({"CallRouteStrategy": 2}),
            ConditionallyRequired,
            "IvrId/IvrName",
        ),
        (
            json!({"Type": 2, "Cnos": null, "Concurrency": 5}),
            ConditionallyRequired,
            "IvrId/IvrName",
        ),
        (
            json!({"Type": 2, "IvrId": 42, "Cnos": null}),
            ConditionallyRequired,
            "Concurrency",
        ),
        (json!({"IvrId": -1}), OutOfRange, "IvrId"),
        (json!({"Concurrency": -1}), OutOfRange, "Concurrency"),
        (
            json!({"Type": 2, "IvrId": 42, "Concurrency": 0}),
            OutOfRange,
            "Concurrency",
        ),
        (json!({"UserFields": "[1]"}), InvalidJson, "UserFields[0]"),
        (
            json!({"UserFields": [{"k": long}]}),
            TooLong,
            "UserFields[0].k",
        ),
        (
            json!({"CallVariables": [{"name": "a", "value": long}]}),
            TooLong,
            "CallVariables[0].value",
        ),
        (
            json!({"CallVariables": [{"name": "a", "value": "1"}, {"name": "b", "value": "1"}, {"name": "c", "value": "1"}, {"name": "d", "value": "1"}, {"name": "e", "value": "1"}, {"name": "f", "value": "1"}]}),
            TooMany,
            "CallVariables",
        ),
        (
            json!({"TimeStrategy": "9;22"}),
            InvalidFormat,
            "TimeStrategy",
        ),
        (json!({"AutoDelete": 2}), InvalidCode, "AutoDelete"),
        (json!({"CallGroupType": 3}), InvalidCode, "CallGroupType"),
        (json!({"Cnos": null}), ConditionallyRequired, "Cnos"),
        (json!({"Cnos": "1000,1000"}), Conflict, "Cnos"),
        (
            json!({"CallGroupType": 2}),
            ConditionallyRequired,
            "AgentGroup",
        ),
        (json!({"CallStrategy": "5"}), InvalidCode, "CallStrategy"),
        (json!({"AgentTimeout": 4}), OutOfRange, "AgentTimeout"),
        (json!({"AgentTimeout": 61}), OutOfRange, "AgentTimeout"),
        (json!({"Wrapup": 0}), OutOfRange, "Wrapup"),
        (json!({"Wrapup": 10801}), OutOfRange, "Wrapup"),
        (json!({"MaxWaitTime": 9}), OutOfRange, "MaxWaitTime"),
        (json!({"MaxWaitTime": 601}), OutOfRange, "MaxWaitTime"),
        (
            json!({"MinAvailableAgentCount": 0}),
            OutOfRange,
            "MinAvailableAgentCount",
        ),
        (
            json!({"MinAvailableAgentCount": 11}),
            OutOfRange,
            "MinAvailableAgentCount",
        ),
        (json!({"Quotiety": 0}), OutOfRange, "Quotiety"),
        (json!({"Quotiety": "20.01"}), OutOfRange, "Quotiety"),
        (json!({"Quotiety": 1.005}), InvalidPrecision, "Quotiety"),
        (json!({"Quotiety": "abc"}), InvalidType, "Quotiety"),
        (json!({"PredictAdjust": 49}), OutOfRange, "PredictAdjust"),
        (json!({"PredictAdjust": 401}), OutOfRange, "PredictAdjust"),
        (
            json!({"CallLimitStrategy": [{"cnos": [], "limit": "5"}]}),
            InvalidJson,
            "CallLimitStrategy[0].cnos",
        ),
        (
            json!({"CallLimitStrategy": [{"cnos": ["1000"], "limit": "0"}]}),
            InvalidJson,
            "CallLimitStrategy[0].limit",
        ),
        (json!({"CustomerMoh": ""}), InvalidFormat, "CustomerMoh"),
        (
            json!({"CustomerVoice": " "}),
            InvalidFormat,
            "CustomerVoice",
        ),
        (json!({"AnswerRate": 0}), OutOfRange, "AnswerRate"),
        (json!({"AnswerRate": 101}), OutOfRange, "AnswerRate"),
        (json!({"WarmUpDuration": 59}), OutOfRange, "WarmUpDuration"),
        (json!({"WarmUpDuration": 601}), OutOfRange, "WarmUpDuration"),
        (json!({"IsRewarm": 2}), InvalidCode, "IsRewarm"),
        (json!({"Quotity": 2}), UnknownParameter, "Quotity"),
    ];
    for (changes, code, param) in cases {
        check(changes, code, param);
    }
}

#[test]
fn unknown_keys_suggest_the_nearest() {
    let v = validate(&with(json!({"MaxWaitTme": 30})), None);
    assert!(
        v.problems[0].rule.contains("did you mean MaxWaitTime?"),
        "{:?}",
        v.problems
    );
}

#[test]
fn common_api_parameters_are_ignored() {
    let v = validate(
        &with(
            json!({"Action": "CreateTask", "Version": "2017-05-25", "RegionId": "cn-shanghai",
        "AccessKeyId": "k", "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "n", "Signature": "s",
        "Timestamp": "2026-01-01T00:00:00Z", "Format": "JSON"}),
        ),
        None,
    );
    assert!(v.is_valid(), "{:#?}", v.problems);
}

#[test]
fn strings_and_numbers_are_the_same() {
    let a = validate(&with(json!({"Wrapup": "45", "Quotiety": "2.5"})), None).task;
    let b = validate(&with(json!({"Wrapup": 45, "Quotiety": 2.5})), None).task;
    assert!(a.is_some());
    assert_eq!(a, b);
}

#[test]
fn many_faults_are_reported_in_one_answer() {
    let v = validate(
        &with(
            json!({"EnterpriseId": -3, "Type": 9, "Wrapup": 0, "Quotiety": 25,
        "PredictAdjust": 10, "CustomerTimeout": "soon", "Cnos": null, "Bogus": 1}),
        ),
        None,
    );
    let params: Vec<&str> = v.problems.iter().map(|p| p.param.as_str()).collect();
    for p in [
        "EnterpriseId",
        "Type",
        "Wrapup",
        "Quotiety",
        "PredictAdjust",
        "CustomerTimeout",
        "Cnos",
        "Bogus",
    ] {
        assert!(params.contains(&p), "{p} missing from {params:?}");
    }
}

fn enterprise() -> Enterprise {
    Enterprise {
        id: 36,
        agents: (1000..1012).map(|c| Agent { cno: c.to_string() }).collect(),
        agent_groups: vec![AgentGroup {
            id: "33".into(),
            cnos: vec!["1000".into(), "1001".into()],
        }],
        ivrs: vec![Ivr {
            id: 42,
            name: "IvrName1".into(),
            duration_s: dialsim::dist::Dist::constant(30.0),
        }],
        voices: vec![Voice {
            path: "600".into(),
            duration_s: 4.0,
        }],
        time_conditions: vec![TimeCondition {
            id: 9,
            name: "lunch".into(),
            kind: 1,
            day_of_week: Some("2,3".into()),
            from_day: None,
            to_day: None,
            start_time: "12:00".into(),
            end_time: "13:00".into(),
            priority: Some(1),
            time_type: None,
        }],
        templates: vec![TaskTemplate {
            name: "slow".into(),
            params: json!({"Wrapup": 90, "Quotiety": 2})
                .as_object()
                .cloned()
                .expect("object"),
        }],
        overflow_on_agent_no_answer: false,
        agent_index: Default::default(),
    }
}

#[test]
fn enterprise_references_must_exist() {
    let e = enterprise();
    let v = validate(
        &with(
            json!({"EnterpriseId": 37, "Cnos": "1000,9999", "IvrId": 41, "CustomerMoh": "700",
        "CustomerVoice": "600", "TimeStrategy": "9,10", "TemplateName": "fast",
        "CallLimitStrategy": [{"cnos": ["8888"], "limit": 3}]}),
        ),
        Some(&e),
    );
    let found: Vec<(ProblemCode, &str, &str)> = v
        .problems
        .iter()
        .map(|p| (p.code, p.param.as_str(), p.value.as_str()))
        .collect();
    for want in [
        ("EnterpriseId", "37"),
        ("Cnos", "9999"),
        ("IvrId", "41"),
        ("CustomerMoh", "700"),
        ("TimeStrategy", "10"),
        ("TemplateName", "fast"),
        ("CallLimitStrategy[0].cnos", "8888"),
    ] {
        assert!(
            found.contains(&(ProblemCode::NotFound, want.0, want.1)),
            "{want:?} not in {found:?}"
        );
    }
    let g = validate(
        &with(json!({"CallGroupType": 2, "AgentGroup": "34", "Cnos": null})),
        Some(&e),
    );
    assert!(
        g.problems
            .iter()
            .any(|p| p.param == "AgentGroup" && p.code == ProblemCode::NotFound)
    );
    let n = validate(
        &with(json!({"Type": 2, "IvrName": "Nope", "Concurrency": 5})),
        Some(&e),
    );
    assert!(
        n.problems
            .iter()
            .any(|p| p.param == "IvrName" && p.code == ProblemCode::NotFound)
    );
}

#[test]
fn an_unknown_template_names_the_enterprises_templates() {
    let mut e = enterprise();
    let mut second = e.templates[0].clone();
    second.name = "second".into();
    e.templates.push(second);
    let mut names: Vec<&str> = e.templates.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names.len(), 2);
    let v = validate(&with(json!({"TemplateName": "nope"})), Some(&e));
    let p = v
        .problems
        .iter()
        .find(|p| p.param == "TemplateName")
        .expect("refused");
    assert_eq!(p.code, ProblemCode::NotFound);
    assert!(
        p.rule.ends_with(&format!("(it has: {})", names.join(", "))),
        "{}",
        p.rule
    );
    // An enterprise with none says so.
    let mut bare = e.clone();
    bare.templates.clear();
    names.clear();
    let v = validate(&with(json!({"TemplateName": "nope"})), Some(&bare));
    let p = v
        .problems
        .iter()
        .find(|p| p.param == "TemplateName")
        .expect("refused");
    assert!(p.rule.ends_with("(it has: none)"), "{}", p.rule);
}

#[test]
fn templates_supply_defaults_the_request_overrides() {
    let e = enterprise();
    let t = validate(
        &with(json!({"TemplateName": "slow", "Quotiety": 1.5})),
        Some(&e),
    )
    .task
    .expect("valid");
    assert_eq!(t.wrapup_s, 90);
    assert_eq!(t.quotiety.0, 150);
}

/// The problems a request has on `param`.
fn problems_on(changes: Value, param: &str) -> Vec<ProblemCode> {
    validate(&with(changes), None)
        .problems
        .iter()
        .filter(|p| p.param == param)
        .map(|p| p.code)
        .collect()
}

/// The edges of each format: the last value accepted and the first refused.
#[test]
fn each_format_accepts_up_to_its_edge_and_refuses_past_it() {
    use ProblemCode::*;
    // An integer written with a decimal point counts while f64 holds it exactly (below
    // 9·10^15, under 2^53); a JSON number 30.0 is Wrapup 30.
    let t = validate(&with(json!({"Wrapup": 30.0})), None)
        .task
        .expect("Wrapup 30.0 is an integer");
    assert_eq!(t.wrapup_s, 30);
    let t = validate(&with(json!({"EnterpriseId": "8999999999999999.0"})), None)
        .task
        .expect("exact in f64");
    assert_eq!(t.enterprise_id, 8_999_999_999_999_999);
    check(
        json!({"EnterpriseId": "9000000000000000.0"}),
        OutOfRange,
        "EnterpriseId",
    );
    // An agent number is at most 32 letters and digits.
    let longest = "a1".repeat(16);
    assert_eq!(problems_on(json!({ "Cnos": longest }), "Cnos"), []);
    check(
        json!({ "Cnos": format!("{longest}b") }),
        InvalidFormat,
        "Cnos",
    );
    check(json!({"Cnos": "1000,10-01"}), InvalidFormat, "Cnos");
    // A retry is due within a year: 365 days, 0 hours, 0 minutes is the last ...
    let retry = |time: &str| json!({"RetryStrategy": {"retry": 1, "strategy": [{"round": 1, "time": time}]}});
    assert_eq!(
        problems_on(retry("365-0-0"), "RetryStrategy.strategy[0].time"),
        []
    );
    // ... and hours and minutes are of a clock: 23 and 59 at most.
    assert_eq!(
        problems_on(retry("0-23-59"), "RetryStrategy.strategy[0].time"),
        []
    );
    for past in ["366-0-0", "0-0-60", "0-24-0"] {
        check(retry(past), InvalidFormat, "RetryStrategy.strategy[0].time");
    }
    // Start and stop on the same given day, in order, do not conflict; nor does a stop with
    // no day (today) before a start with one.
    for (start_day, stop_day, stop) in [
        (Some("2026-01-02"), Some("2026-01-02"), "18:00:00"),
        (Some("2026-01-02"), None, "07:00:00"),
    ] {
        let mut req = json!({"AutoStart": 1, "AutoStartTime": "08:00:00", "AutoStop": 1, "AutoStopTime": stop});
        if let Some(d) = start_day {
            req["AutoStartDay"] = d.into();
        }
        if let Some(d) = stop_day {
            req["AutoStopDay"] = d.into();
        }
        assert_eq!(problems_on(req, "AutoStopDay/AutoStopTime"), []);
    }
    // A number-pool caller id (category 4) with its group needs nothing more.
    assert_eq!(
        problems_on(
            json!({"CustomerClidsCategory": 4, "CustomerClidsGroup": "pool-1"}),
            "CustomerClidsGroup"
        ),
        []
    );
}

/// Weights of caller ids count only for fixed-line numbers (category 1); unlimited
/// Concurrency is flagged for teams under 10 agents, not at 10; a warm-up is short under
/// three mean talk times (180 s for 60 s calls), not at three.
#[test]
fn warnings_start_where_their_rules_say() {
    let warned = |changes: Value, code: WarningCode| {
        validate(&with(changes), None)
            .warnings
            .iter()
            .any(|w| w.code == code)
    };
    let weights = json!([{"number": "1", "weight": 1}]);
    let fixed = json!({"CustomerClidWeightFlag": 1, "CustomerClidsCategory": 1,
        "CustomerClids": "1", "CustomerClidWeight": weights});
    let ignored = |changes: Value| {
        validate(&with(changes), None)
            .warnings
            .iter()
            .any(|w| w.code == WarningCode::Ignored && w.param == "CustomerClidWeightFlag")
    };
    assert!(!ignored(fixed.clone()));
    let mut other = fixed;
    other["CustomerClidsCategory"] = 2.into();
    assert!(ignored(other));
    let team = |n: u32| {
        (1..=n)
            .map(|k| (1000 + k).to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    assert!(!warned(
        json!({"Cnos": team(10), "Concurrency": 0}),
        WarningCode::UnlimitedConcurrencySmallTeam
    ));
    assert!(warned(
        json!({"Cnos": team(9), "Concurrency": 0}),
        WarningCode::UnlimitedConcurrencySmallTeam
    ));
    let short = |warm_up: u32| {
        validate_with(
            &with(json!({ "WarmUpDuration": warm_up })),
            None,
            Some(60.0),
        )
        .warnings
        .iter()
        .any(|w| w.code == WarningCode::ShortWarmUp)
    };
    assert!(!short(180));
    assert!(short(179));
}

#[test]
fn warnings_flag_risky_settings() {
    let e = enterprise();
    let v = validate_with(
        &with(
            json!({"Quotiety": 3.5, "AutoStop": 1, "AutoStopTime": "18:00:00", "WarmUpDuration": 120}),
        ),
        Some(&e),
        Some(180.0),
    );
    assert!(v.is_valid());
    let codes: Vec<WarningCode> = v.warnings.iter().map(|w| w.code).collect();
    for c in [
        WarningCode::QuotietyAboveLegalCap,
        WarningCode::MinAvailableAboveTeam,
        WarningCode::UnlimitedConcurrencySmallTeam,
        WarningCode::ShortWarmUp,
        WarningCode::AutoStopPausesOnly,
    ] {
        assert!(codes.contains(&c), "{c:?} not in {codes:?}");
    }
    let quiet = validate_with(
        &with(json!({"Quotiety": 3, "MinAvailableAgentCount": 2, "Concurrency": 4})),
        Some(&e),
        Some(60.0),
    );
    assert!(quiet.warnings.is_empty(), "{:#?}", quiet.warnings);
}

#[test]
fn group_size_comes_from_the_enterprise() {
    let e = enterprise();
    let v = validate(
        &with(
            json!({"CallGroupType": 2, "AgentGroup": "33", "Cnos": null, "MinAvailableAgentCount": 3}),
        ),
        Some(&e),
    );
    assert!(
        v.warnings
            .iter()
            .any(|w| w.code == WarningCode::MinAvailableAboveTeam
                && w.rule.contains("only 2 agents"))
    );
}

#[test]
fn query_string_form_validates() {
    let raw = dialsim::request::parse_query_string(
        "Action=CreateTask&EnterpriseId=36&Name=%E6%98%A5%E5%AD%A3&Type=1&Cnos=1000%2C1001",
    )
    .expect("query");
    let t = validate(&raw, None).task.expect("valid");
    assert_eq!(t.name, "春季");
    assert_eq!(t.cnos.len(), 2);
}

#[test]
fn integer_ranges_accept_their_ends_and_refuse_beyond_and_fractions() {
    // (parameter, lowest, highest) as the API page gives them.
    for (param, lo, hi) in [
        ("CustomerTimeout", 5i64, 60i64),
        ("AgentTimeout", 5, 60),
        ("Wrapup", 1, 10_800),
        ("MaxWaitTime", 10, 600),
        ("MinAvailableAgentCount", 1, 10),
        ("PredictAdjust", 50, 400),
        ("AnswerRate", 1, 100),
        ("WarmUpDuration", 60, 600),
    ] {
        for ok in [lo, hi] {
            // As a number and as the string the query-string API sends.
            for value in [json!(ok), json!(ok.to_string())] {
                let v = validate(&with(json!({ param: value })), None);
                assert!(v.problems.is_empty(), "{param}={value}: {:?}", v.problems);
            }
        }
        check(json!({ param: lo - 1 }), ProblemCode::OutOfRange, param);
        check(json!({ param: hi + 1 }), ProblemCode::OutOfRange, param);
        // A fraction is not an integer (Wrapup=30.5).
        check(
            json!({ param: format!("{}.5", lo) }),
            ProblemCode::InvalidType,
            param,
        );
    }
    // Quotiety: (0, 20] with two decimals.
    for ok in ["0.01", "20", "20.00", "3.5"] {
        let v = validate(&with(json!({"Quotiety": ok})), None);
        assert!(v.problems.is_empty(), "Quotiety={ok}: {:?}", v.problems);
    }
    check(
        json!({"Quotiety": "0"}),
        ProblemCode::OutOfRange,
        "Quotiety",
    );
    check(
        json!({"Quotiety": "20.01"}),
        ProblemCode::OutOfRange,
        "Quotiety",
    );
    check(
        json!({"Quotiety": "1.234"}),
        ProblemCode::InvalidPrecision,
        "Quotiety",
    );
}

#[test]
fn advanced_retry_rules_sort_in_order_given_and_need_causes() {
    use dialsim::request::RetryStrategy;
    let rule = |causes: Value| {
        json!({"condition": {"sipCause": causes}, "retry": 1,
               "strategy": [{"round": 1, "time": "0-0-5"}]})
    };
    let automatic = |rules: Value| {
        with(
            json!({"Type": 2, "IvrId": 42, "Concurrency": 5, "Cnos": null,
                    "CallGroupType": null, "RetryStrategy": rules}),
        )
    };
    let v = validate(
        &automatic(json!([rule(json!(["486"])), rule(json!(["480"]))])),
        None,
    );
    let task = v.task.unwrap_or_else(|| panic!("{:?}", v.problems));
    let Some(RetryStrategy::Advanced(rules)) = task.retry_strategy else {
        panic!("an advanced strategy");
    };
    // Without `sort`, rules sort in the order given, from 1.
    let sorts: Vec<u32> = rules.iter().map(|r| r.sort).collect();
    assert_eq!(sorts, [1, 2]);
    assert_eq!(rules[1].sip_causes, ["480"]);
    // An empty list of causes is refused, by its path.
    let v = validate(&automatic(json!([rule(json!([]))])), None);
    assert!(
        v.problems.iter().any(|p| p.code == ProblemCode::InvalidJson
            && p.param == "RetryStrategy[0].condition.sipCause"),
        "{:?}",
        v.problems
    );
}

#[test]
fn json_list_limits_accept_their_ends() {
    let problems = |changes: Value| validate(&with(changes), None).problems;
    let warnings = |changes: Value| validate_with(&with(changes), None, None).warnings;
    // A field value of exactly 1 000 characters is accepted, one more is too long.
    let at = "x".repeat(1000);
    assert_eq!(problems(json!({"UserFields": [{"k": at}]})), vec![]);
    let over = "x".repeat(1001);
    let p = problems(json!({"UserFields": [{"k": over}]}));
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].code, ProblemCode::TooLong);
    // Five CallVariables are the most: accepted.
    let five: Vec<Value> = (0..5)
        .map(|i| json!({"name": format!("v{i}"), "value": "1"}))
        .collect();
    assert_eq!(problems(json!({"CallVariables": five})), vec![]);
    // A UserFields item of one pair is read whole; of two, the rest is ignored, with a
    // notice.
    let ignored = |w: &[dialsim::request::Warning]| {
        w.iter()
            .filter(|w| w.code == WarningCode::Ignored && w.param.starts_with("UserFields"))
            .count()
    };
    assert_eq!(ignored(&warnings(json!({"UserFields": [{"a": "1"}]}))), 0);
    assert_eq!(
        ignored(&warnings(json!({"UserFields": [{"a": "1", "b": "2"}]}))),
        1
    );
}

#[test]
fn a_bad_value_is_shown_as_given() {
    let rule = |causes: Value| {
        with(
            json!({"Type": 2, "IvrId": 42, "Concurrency": 5, "Cnos": null,
                    "CallGroupType": null, "RetryStrategy": [{"condition": {"sipCause": causes},
                    "retry": 1, "strategy": [{"round": 1, "time": "0-0-5"}]}]}),
        )
    };
    for (given, shown) in [
        (json!("486"), "486"),
        (json!(7), "7"),
        (json!({"a": 1}), r#"{"a":1}"#),
    ] {
        let v = validate(&rule(given), None);
        let p = v
            .problems
            .iter()
            .find(|p| p.param == "RetryStrategy[0].condition.sipCause")
            .expect("refused");
        assert_eq!(p.value, shown);
    }
}

#[test]
fn a_whole_number_too_large_for_any_range_is_out_of_range_not_a_type_error() {
    for huge in ["100000000000000000000", "18446744073709551616"] {
        let v = validate(&with(json!({ "Wrapup": huge })), None);
        let p: Vec<_> = v.problems.iter().filter(|p| p.param == "Wrapup").collect();
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].code, ProblemCode::OutOfRange, "{huge}");
    }
    let v = validate(&with(json!({"Wrapup": "3x"})), None);
    assert!(
        v.problems
            .iter()
            .any(|p| p.param == "Wrapup" && p.code == ProblemCode::InvalidType)
    );
}

/// A range with no upper end says so: "must be at least N", for a value below it and for a whole
/// number too large for any integer; a bounded range names both ends.
#[test]
fn an_open_range_names_its_lower_end_only() {
    for (param, value, rule) in [
        ("EnterpriseId", json!(0), "must be at least 1"),
        (
            "EnterpriseId",
            json!("100000000000000000000"),
            "must be at least 1",
        ),
        ("IvrId", json!(0), "must be at least 1"),
        ("Wrapup", json!(0), "must be an integer from 1 to 10800"),
        (
            "Wrapup",
            json!("100000000000000000000"),
            "must be an integer from 1 to 10800",
        ),
    ] {
        let v = validate(&with(json!({ param: value })), None);
        let p: Vec<_> = v.problems.iter().filter(|p| p.param == param).collect();
        assert_eq!(p.len(), 1, "{param} {value}: {p:?}");
        assert_eq!(p[0].code, ProblemCode::OutOfRange, "{param} {value}");
        assert_eq!(p[0].rule, rule, "{param} {value}");
    }
}
