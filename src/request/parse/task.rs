//! Reading the whole CreateTask: every parameter typed, defaulted and range-checked, and the
//! rules between parameters.

use super::*;

impl Reader<'_> {
    pub(super) fn quotiety(&mut self) -> Quotiety {
        let Some(text) = self.text("Quotiety") else {
            return Quotiety::DEFAULT;
        };
        match parse_hundredths(&text) {
            Hundredths::Ok(h) if (1..=2000).contains(&h) => Quotiety(h as u32),
            Hundredths::Ok(_) => {
                self.problem(
                    P::OutOfRange,
                    "Quotiety",
                    text,
                    "must be greater than 0 and at most 20",
                );
                Quotiety::DEFAULT
            }
            Hundredths::TooPrecise => {
                self.problem(
                    P::InvalidPrecision,
                    "Quotiety",
                    text,
                    "has at most two decimals",
                );
                Quotiety::DEFAULT
            }
            // A number, just not one the range allows (negative, huge, with an exponent).
            Hundredths::NotANumber if text.trim().parse::<f64>().is_ok_and(f64::is_finite) => {
                self.problem(
                    P::OutOfRange,
                    "Quotiety",
                    text,
                    "must be greater than 0 and at most 20",
                );
                Quotiety::DEFAULT
            }
            Hundredths::NotANumber => {
                self.problem(P::InvalidType, "Quotiety", text, "must be a decimal number");
                Quotiety::DEFAULT
            }
        }
    }

    pub(super) fn schedule(&mut self, flag: &str, day: &str, time: &str) -> Option<Schedule> {
        let on = self.flag(flag).unwrap_or(false);
        let d = self.date(day);
        let t = self.time(time);
        if !on {
            for p in [day, time] {
                if self.present(p) {
                    let v = self.text(p).unwrap_or_default();
                    self.warning(W::Ignored, p, v, format!("takes effect only with {flag}=1"));
                }
            }
            return None;
        }
        if !self.present(day) && !self.present(time) {
            self.problem(
                P::ConditionallyRequired,
                &format!("{day}/{time}"),
                "",
                format!("{flag}=1 needs {day} or {time}"),
            );
        }
        Some(Schedule { day: d, time: t })
    }

    pub(super) fn read_task(&mut self) -> Option<CreateTask> {
        for key in self.map.keys() {
            if !PARAMS.contains(&key.as_str()) && !is_common_param(key) {
                let near = nearest_param(key);
                self.problems.push(Problem {
                    code: P::UnknownParameter,
                    param: key.clone(),
                    value: self.map.get(key).map(shown).unwrap_or_default(),
                    rule: format!("is not a CreateTask parameter; did you mean {near}?"),
                });
            }
        }
        for req in ["EnterpriseId", "Name", "Type"] {
            if !self.present(req) {
                self.problem(P::MissingParameter, req, "", "is required");
            }
        }
        let enterprise_id = self.int("EnterpriseId", 1, i64::MAX);
        let name = self.label("Name", 50);
        if name.as_deref().is_some_and(|n| n.trim().is_empty()) {
            self.problem(P::InvalidFormat, "Name", "", "must not be empty");
        }
        let description = self.label("Description", 200);
        let task_type = self.code::<TaskType>("Type");
        let template_name = self.string("TemplateName");
        let auto_start = self.schedule("AutoStart", "AutoStartDay", "AutoStartTime");
        let auto_stop = self.schedule("AutoStop", "AutoStopDay", "AutoStopTime");
        let force_end = self.flag("ForceEndFlag").unwrap_or(false);
        if force_end && auto_stop.is_none() {
            self.warning(
                W::Ignored,
                "ForceEndFlag",
                "1",
                "takes effect only with AutoStop=1",
            );
        }
        if let (Some(a), Some(b)) = (auto_start, auto_stop) {
            let start = (a.day, a.time.unwrap_or(Time::midnight()));
            let stop = (b.day, b.time.unwrap_or(Time::constant(23, 59, 59, 0)));
            // Absent days both mean "today", so they compare equal.
            if start.0.is_some() == stop.0.is_some() && stop <= start {
                self.problem(
                    P::Conflict,
                    "AutoStopDay/AutoStopTime",
                    "",
                    "the scheduled stop must come after the scheduled start",
                );
            }
        }
        let auto_task_type = self
            .code::<AutoTaskType>("AutoTaskType")
            .unwrap_or(AutoTaskType::Continuous);
        let auto_trigger_time_strategy = self.id_list("AutoTriggerTimeStrategy");
        if auto_task_type == AutoTaskType::Interval && !self.present("AutoTriggerTimeStrategy") {
            self.problem(
                P::ConditionallyRequired,
                "AutoTriggerTimeStrategy",
                "",
                "AutoTaskType=1 (interval calling) needs the time-condition ids of its windows",
            );
        }
        let auto_complete = self.flag("AutoComplete").unwrap_or(true);
        let retry_time_type = self
            .code::<RetryTimeType>("RetryStrategyTimeType")
            .unwrap_or(RetryTimeType::FromFirstCall);
        let retry_strategy = self.retry_strategy(task_type, retry_time_type);
        let retry_only_today = self
            .code::<RetryOnlyToday>("RetryStrategyOnlyToday")
            .unwrap_or(RetryOnlyToday::Off);
        let call_priority_strategy = self.priority();
        let clids_category = self.code::<ClidCategory>("CustomerClidsCategory");
        let customer_clids =
            self.list("CustomerClids", is_phone, "must be a phone number (digits)");
        let clids_group = self.string("CustomerClidsGroup");
        match clids_category {
            Some(ClidCategory::FixedLine | ClidCategory::Mobile)
                if !self.present("CustomerClids") =>
            {
                self.problem(
                    P::ConditionallyRequired,
                    "CustomerClids",
                    "",
                    "CustomerClidsCategory 1 or 2 needs CustomerClids",
                )
            }
            Some(ClidCategory::NumberPool | ClidCategory::Navigation)
                if !self.present("CustomerClidsGroup") =>
            {
                self.problem(
                    P::ConditionallyRequired,
                    "CustomerClidsGroup",
                    "",
                    "CustomerClidsCategory 4 or 5 needs CustomerClidsGroup",
                )
            }
            _ => {}
        }
        let clid_type = self
            .code::<ClidType>("CustomerClidType")
            .unwrap_or(ClidType::Random);
        let clid_property = self.clid_property();
        let clid_weight_flag = self.flag("CustomerClidWeightFlag").unwrap_or(false);
        let clid_weight = self.clid_weight();
        if clid_weight_flag && !self.present("CustomerClidWeight") {
            self.problem(
                P::ConditionallyRequired,
                "CustomerClidWeight",
                "",
                "CustomerClidWeightFlag=1 needs CustomerClidWeight",
            );
        }
        if clid_weight_flag && clids_category != Some(ClidCategory::FixedLine) {
            self.warning(
                W::Ignored,
                "CustomerClidWeightFlag",
                "1",
                "takes effect only with CustomerClidsCategory=1",
            );
        }
        let customer_timeout_s = self.int_or("CustomerTimeout", 5, 60, 30) as u32;
        let call_route_strategy = self
            .code::<CallRouteStrategy>("CallRouteStrategy")
            .unwrap_or(CallRouteStrategy::Direct);
        let ivr_id = self.int("IvrId", 1, i64::MAX).map(|v| v as u64);
        let ivr_name = self.string("IvrName");
        if task_type == Some(TaskType::Automatic)
            && !self.present("IvrId")
            && !self.present("IvrName")
        {
            self.problem(
                P::ConditionallyRequired,
                "IvrId/IvrName",
                "",
                "Type=2 (automatic) needs IvrId or IvrName: answered calls go to that IVR",
            );
        }
        if call_route_strategy == CallRouteStrategy::AiFirst
            && !self.present("IvrId")
            && !self.present("IvrName")
        {
            self.problem(
                P::ConditionallyRequired,
                "IvrId/IvrName",
                "",
                "CallRouteStrategy=2 (AI first) needs the IVR whose bot answers first",
            );
        }
        let concurrency = self.int_or("Concurrency", 0, i64::from(u32::MAX), 0) as u32;
        if task_type == Some(TaskType::Automatic) && concurrency == 0 {
            if self.present("Concurrency") {
                self.problem(P::OutOfRange, "Concurrency", "0", "must be at least 1 for Type=2: an automatic task has no agents to pace by, so 0 would place no call");
            } else {
                // Absent is 0 (unlimited for Type 1): the same rule, said as what is missing.
                self.problem(P::ConditionallyRequired, "Concurrency", "", "Type=2 needs Concurrency, the lines it keeps busy (at least 1): an automatic task has no agents to pace by");
            }
        }
        let user_fields = self.user_fields();
        let call_variables = self.call_variables();
        let time_strategy = self.id_list("TimeStrategy");
        let auto_delete = self.flag("AutoDelete").unwrap_or(false);
        let call_group_type = self
            .code::<CallGroupType>("CallGroupType")
            .unwrap_or(CallGroupType::AgentList);
        let cnos = self.list(
            "Cnos",
            is_cno,
            "must be an agent number (letters and digits)",
        );
        let agent_group = self.string("AgentGroup");
        // The page makes Cnos (or AgentGroup) required by CallGroupType with no exception for
        // Type 2: an explicit CallGroupType needs its agents; an automatic task that gives none
        // needs no agents.
        if task_type != Some(TaskType::Automatic) || self.present("CallGroupType") {
            match call_group_type {
                CallGroupType::AgentList if !self.present("Cnos") => self.problem(
                    P::ConditionallyRequired,
                    "Cnos",
                    "",
                    "CallGroupType=1 needs Cnos, the task's agent numbers",
                ),
                CallGroupType::AgentGroup if !self.present("AgentGroup") => self.problem(
                    P::ConditionallyRequired,
                    "AgentGroup",
                    "",
                    "CallGroupType=2 needs AgentGroup, the outbound group number",
                ),
                _ => {}
            }
        }
        let call_strategy = self
            .code::<CallStrategy>("CallStrategy")
            .unwrap_or(CallStrategy::Random);
        let agent_timeout_s = self.int_or("AgentTimeout", 5, 60, 10) as u32;
        let wrapup_s = self.int_or("Wrapup", 1, 10_800, 30) as u32;
        let max_wait_time_s = self.int_or("MaxWaitTime", 10, 600, 40) as u32;
        let min_available_agents = self.int_or("MinAvailableAgentCount", 1, 10, 10) as u32;
        let quotiety = self.quotiety();
        let predict_adjust = self.int_or("PredictAdjust", 50, 400, 100) as u32;
        let call_limits = self.call_limits();
        let customer_moh = self.string("CustomerMoh");
        let customer_voice = self.string("CustomerVoice");
        let answer_rate = self.int_or("AnswerRate", 1, 100, 50) as u32;
        let warm_up_s = self.int_or("WarmUpDuration", 60, 600, 300) as u32;
        let rewarm = self.flag("IsRewarm").unwrap_or(true);

        // Built whenever the required fields read, even beside other problems, so the
        // enterprise checks and warnings still run; `validate` drops it if anything is wrong.
        Some(CreateTask {
            enterprise_id: enterprise_id? as u64,
            name: name?,
            description,
            task_type: task_type?,
            template_name,
            auto_start,
            auto_stop,
            force_end,
            auto_task_type,
            auto_trigger_time_strategy,
            auto_complete,
            retry_strategy,
            retry_time_type,
            retry_only_today,
            call_priority_strategy,
            clids_category,
            customer_clids,
            clid_type,
            clid_property,
            clid_weight_flag,
            clid_weight,
            clids_group,
            customer_timeout_s,
            call_route_strategy,
            ivr_id,
            ivr_name,
            concurrency,
            user_fields,
            call_variables,
            time_strategy,
            auto_delete,
            call_group_type,
            cnos,
            agent_group,
            call_strategy,
            agent_timeout_s,
            wrapup_s,
            max_wait_time_s,
            min_available_agents,
            quotiety,
            predict_adjust,
            call_limits,
            customer_moh,
            customer_voice,
            answer_rate,
            warm_up_s,
            rewarm,
        })
    }
}
