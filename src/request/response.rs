//! The API's response shape: `RequestId`, `Code`, `Message`, and `Data` on success.
//!
//! A successful create answers `Code: "OK"` with the documented `Data` object, every field a
//! string except `AutoComplete` (an integer), as the API page shows. A failed call answers one
//! of dialsim's [`ErrorCode`]s with every problem in `Message` and no `Data`.

use super::codes::Code;
use super::problem::Problem;
use super::task::CreateTask;
use serde::{Deserialize, Serialize};

/// dialsim's error codes for failed calls (the platform's own are not published).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The request breaks parameter rules (all listed in `Message`).
    InvalidParameter,
    /// The enterprise already has 100 tasks (and AutoDelete found no ended task to delete).
    TaskLimitExceeded,
    /// An import would pass 100 000 per batch, 1 000 000 per task or 10 000 000 per enterprise.
    NumberLimitExceeded,
    /// No task with that id.
    TaskNotFound,
    /// The operation is not allowed in the task's status.
    InvalidTaskStatus,
    /// An agent of the task is in another running task.
    AgentBusy,
    /// The task's agent group is running another task.
    AgentGroupBusy,
    /// UpdateTask tried to change Type, CallGroupType, TemplateName or AutoDelete.
    ImmutableParameter,
}

impl ErrorCode {
    /// The wire code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidParameter => "InvalidParameter",
            Self::TaskLimitExceeded => "LimitExceeded.Task",
            Self::NumberLimitExceeded => "LimitExceeded.Number",
            Self::TaskNotFound => "NotFound.Task",
            Self::InvalidTaskStatus => "InvalidStatus.Task",
            Self::AgentBusy => "Conflict.AgentBusy",
            Self::AgentGroupBusy => "Conflict.AgentGroupBusy",
            Self::ImmutableParameter => "InvalidParameter.Immutable",
        }
    }
}

/// The `Data` object of a CreateTask response, field for field as the API page lists it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(missing_docs)] // the fields are the API page's, documented there
pub struct TaskData {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub over_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_timeout: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_stop_day: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_timeout: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enterprise_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cnos: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_clids: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_complete: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer_rate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_moh: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_start_day: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_fields: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predict_adjust: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_stop: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wrapup: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_wait_time: Option<String>,
    #[serde(rename = "Type", skip_serializing_if = "Option::is_none")]
    pub task_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_start_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_random: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_stop_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ivr_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quotiety: Option<String>,
}

/// The platform-side facts a `Data` object carries besides the request's own values.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskFacts {
    /// Task id.
    pub id: u64,
    /// Status code.
    pub status: i64,
    /// Creation time, `yyyy-MM-dd HH:mm:ss`.
    pub create_time: String,
    /// First start, if any.
    pub start_time: Option<String>,
    /// End time, if ended.
    pub over_time: Option<String>,
    /// IvrId resolved from IvrName, when an enterprise was known.
    pub ivr_id: Option<u64>,
}

impl TaskData {
    /// The `Data` object for a created task.
    pub fn of(task: &CreateTask, facts: &TaskFacts) -> TaskData {
        let params = task.to_params();
        let get = |k: &str| params.get(k).and_then(|v| v.as_str()).map(str::to_string);
        TaskData {
            over_time: facts.over_time.clone(),
            customer_timeout: get("CustomerTimeout"),
            description: task.description.clone(),
            auto_stop_day: task.auto_stop.and_then(|s| s.day).map(|d| d.to_string()),
            agent_timeout: get("AgentTimeout"),
            enterprise_id: get("EnterpriseId"),
            name: Some(task.name.clone()),
            cnos: get("Cnos"),
            concurrency: get("Concurrency"),
            customer_clids: get("CustomerClids"),
            auto_complete: Some(i64::from(task.auto_complete)),
            auto_start: get("AutoStart"),
            answer_rate: get("AnswerRate"),
            status: Some(facts.status.to_string()),
            customer_moh: task.customer_moh.clone(),
            auto_start_day: task.auto_start.and_then(|s| s.day).map(|d| d.to_string()),
            user_fields: get("UserFields"),
            predict_adjust: get("PredictAdjust"),
            create_time: Some(facts.create_time.clone()),
            start_time: facts.start_time.clone(),
            auto_stop: get("AutoStop"),
            wrapup: get("Wrapup"),
            max_wait_time: get("MaxWaitTime"),
            task_type: Some(task.task_type.code().to_string()),
            auto_start_time: task.auto_start.map(|s| {
                s.time
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "00:00:00".into())
            }),
            is_random: Some(
                u8::from(task.call_priority_strategy.iter().any(|e| {
                    e.kind == super::task::PoolKind::FirstCall
                        && e.order == super::task::FirstCallOrder::Random
                }))
                .to_string(),
            ),
            auto_stop_time: task.auto_stop.map(|s| {
                s.time
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "23:59:59".into())
            }),
            id: Some(facts.id.to_string()),
            ivr_id: facts.ivr_id.or(task.ivr_id).map(|i| i.to_string()),
            quotiety: Some(task.quotiety.to_string()),
        }
    }
}

/// A response in the API's shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ApiResponse<D = TaskData> {
    /// Only in the platform's access-denied answers; kept so real responses round-trip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_denied_detail: Option<String>,
    /// Request id.
    pub request_id: String,
    /// `OK`, or an [`ErrorCode`].
    pub code: String,
    /// `OK`, or every problem, one per line.
    pub message: String,
    /// The result, on success only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<D>,
}

impl<D> ApiResponse<D> {
    /// A success.
    pub fn ok(request_id: String, data: D) -> Self {
        ApiResponse {
            access_denied_detail: None,
            request_id,
            code: "OK".into(),
            message: "OK".into(),
            data: Some(data),
        }
    }

    /// A failure with one message.
    pub fn error(request_id: String, code: ErrorCode, message: impl Into<String>) -> Self {
        ApiResponse {
            access_denied_detail: None,
            request_id,
            code: code.as_str().into(),
            message: message.into(),
            data: None,
        }
    }

    /// A failure listing every problem.
    pub fn invalid(request_id: String, problems: &[Problem]) -> Self {
        let lines: Vec<String> = problems.iter().map(Problem::to_string).collect();
        Self::error(request_id, ErrorCode::InvalidParameter, lines.join("\n"))
    }

    /// True for `Code: "OK"`.
    pub fn is_ok(&self) -> bool {
        self.code == "OK"
    }
}

/// A deterministic request id in the platform's `8-4-4-4-12` upper-hex shape, derived from a
/// sequence number and the request text (no clock, no global randomness).
pub fn request_id(seq: u64, text: &str) -> String {
    // FNV-1a over the text, then SplitMix64 finalisation with the sequence number.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    let a = crate::sim::rng::mix(h ^ seq);
    let b = crate::sim::rng::mix(a ^ 0x9e37_79b9_7f4a_7c15);
    format!(
        "{:08X}-{:04X}-{:04X}-{:04X}-{:012X}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_fnv_1a_then_splitmix64() {
        // Expected values from an independent implementation of the published algorithms
        // (FNV-1a 64: "a" → af63dc4c8601ec8c; SplitMix64 seeded 0: e220a8397b1dcdaf).
        assert_eq!(crate::sim::rng::mix(0), 0xe220_a839_7b1d_cdaf);
        assert_eq!(
            request_id(7, "CreateTask"),
            "14C8B3AA-5307-4FDC-779C-641C99A58D5E"
        );
        assert_eq!(
            request_id(0, "StartTask"),
            "E8F8BA5C-CAFE-7B9B-07E7-CC4157F71EB1"
        );
        // Every sequence number keeps texts apart, and every text sequence numbers.
        for seq in [0, 1, u64::MAX] {
            assert_ne!(request_id(seq, "a"), request_id(seq, "b"));
        }
        assert_ne!(request_id(1, "a"), request_id(2, "a"));
    }

    #[test]
    fn only_ok_is_ok() {
        let ok: ApiResponse<()> = ApiResponse::ok("r".into(), ());
        assert!(ok.is_ok());
        let refused: ApiResponse<()> =
            ApiResponse::error("r".into(), ErrorCode::TaskNotFound, "no such task");
        assert!(!refused.is_ok());
        assert_eq!(refused.code, "NotFound.Task");
    }
}
