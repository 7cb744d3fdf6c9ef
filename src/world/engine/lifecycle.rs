//! Task status in simulated time: starts, stops, pauses, MinAvailableAgentCount, the end of the
//! day, completion.

use super::*;

impl Engine<'_> {
    pub(super) fn auto_start(&mut self, ti: usize) {
        let t = &self.tasks[ti];
        if t.running || t.ended {
            return;
        }
        let (id, at) = (t.platform_id, self.at());
        let r = self
            .platform
            .start_task(id, at, StatusTrigger::System, "AutoStart");
        if !r.is_ok() {
            tracing::warn!(task = ti, "AutoStart refused: {}", r.message);
            return;
        }
        self.begin_running(ti);
    }

    /// The task runs (again): agents claimed, warm-up when it is a first start or IsRewarm.
    pub(super) fn begin_running(&mut self, ti: usize) {
        let first = !self.tasks[ti].started;
        self.claim_agents(ti);
        let now = self.now;
        let t = &mut self.tasks[ti];
        t.running = true;
        t.started = true;
        t.paused_by_min = false;
        if let Some(p) = t.pauses.last_mut()
            && p.resumed_at_s.is_none()
        {
            p.resumed_at_s = Some(now as f64 / 1000.0);
        }
        let rewarm = first || t.params.rewarm;
        if rewarm {
            t.warm_until = now + t.params.warm_ms;
        }
        t.pacer.restarted(rewarm);
        // An open-loop pacer's arrivals begin with the task's first start.
        if first && let Some(gap) = t.pacer.next_arrival_ms() {
            self.q
                .push(SimTime(now + gap), Ev::Arrival { task: ti as u16 });
        }
        if !t.ticking {
            t.ticking = true;
            self.schedule_at(now, Ev::Tick { task: ti as u16 });
        }
        self.check_min_available(ti);
    }

    pub(super) fn resume_after_pause(&mut self, ti: usize) {
        let id = self.tasks[ti].platform_id;
        let waiting = self
            .platform
            .task(id)
            .is_some_and(|r| r.status == TaskStatus::Paused && r.paused_until.is_some());
        if !waiting || self.tasks[ti].running {
            return;
        }
        let r = self.platform.start_task(
            id,
            self.at(),
            StatusTrigger::System,
            "PauseDuration elapsed",
        );
        if r.is_ok() {
            self.begin_running(ti);
        }
    }

    pub(super) fn auto_stop(&mut self, ti: usize) {
        let force = self.tasks[ti].req.force_end;
        let (id, at) = (self.tasks[ti].platform_id, self.at());
        if force {
            self.platform
                .end_task(id, at, "AutoStop with ForceEndFlag: ended whatever is left");
            let t = &mut self.tasks[ti];
            t.ended = true;
            t.running = false;
            t.paused_by_min = false;
            // Whatever is left is finished now: never-called numbers and waiting retries.
            let left = t.pool.drop_fresh() + t.pool.clear_retries();
            t.pool.fates.task_ended += left;
            t.pool.done += left;
        } else if self.tasks[ti].running || self.tasks[ti].paused_by_min {
            self.platform.pause_task(
                id,
                0,
                at,
                StatusTrigger::System,
                "AutoStop: paused at the stop time",
            );
            self.stop_running(ti, "AutoStop".into(), false);
        }
    }

    /// The task stops calling now and its pause is recorded with `cause`; `by_min` when
    /// MinAvailableAgentCount paused it (it then resumes by itself when agents return).
    pub(super) fn stop_running(&mut self, ti: usize, cause: String, by_min: bool) {
        let now_s = self.now as f64 / 1000.0;
        let t = &mut self.tasks[ti];
        t.running = false;
        t.paused_by_min = by_min;
        t.pauses.push(PauseRecord {
            at_s: now_s,
            resumed_at_s: None,
            cause,
        });
    }

    /// Midnight: RetryStrategyOnlyToday, and every agent's daily call count starts again.
    pub(super) fn day_end(&mut self) {
        use crate::request::RetryOnlyToday as R;
        for ti in 0..self.tasks.len() {
            let rule = self.tasks[ti].req.retry_only_today;
            let t = &mut self.tasks[ti];
            if !t.started || t.ended {
                continue;
            }
            let mut dropped = 0;
            if matches!(rule, R::DropBoth | R::DropRetries) {
                // A waiting retry's number has had `attempt` attempts.
                dropped += t.pool.drop_retries();
            }
            if matches!(rule, R::DropBoth | R::DropNeverCalled) {
                let left = t.pool.drop_fresh();
                t.pool.count_attempts(0, left);
                dropped += left;
            }
            t.pool.fates.dropped_at_day_end += dropped;
            self.numbers_done(ti, dropped);
            self.maybe_finish(ti);
        }
        for a in 0..self.agents.len() {
            self.day_calls[a] = 0;
            self.release_cap(a as u32);
        }
        let next = self.clock.next_midnight(self.now);
        self.schedule_before_end(next, Ev::DayEnd);
    }

    pub(super) fn maybe_finish(&mut self, ti: usize) {
        let t = &self.tasks[ti];
        if t.running && t.pool.exhausted() && t.in_progress == 0 && t.planned == 0 {
            let id = t.platform_id;
            let auto_complete = self.tasks[ti].req.auto_complete;
            let at = self.at();
            self.tasks[ti].running = false;
            if auto_complete {
                self.platform
                    .end_task(id, at, "AutoComplete: every number finished");
            } else {
                self.platform.pause_task(
                    id,
                    0,
                    at,
                    StatusTrigger::System,
                    "AutoComplete off: every number finished, waiting for imports",
                );
            }
        }
    }

    pub(super) fn check_min_available(&mut self, ti: usize) {
        let t = &self.tasks[ti];
        if t.ttype == TaskType::Automatic || t.pool.finished_at.is_some() {
            return;
        }
        let short = t.available < t.params.min_available;
        let (id, at) = (t.platform_id, self.at());
        let now_s = self.now as f64 / 1000.0;
        if t.running && short {
            let cause = format!(
                "MinAvailableAgentCount: {} available agents < {}",
                t.available, t.params.min_available
            );
            self.platform
                .pause_task(id, 0, at, StatusTrigger::System, &cause);
            self.stop_running(ti, cause, true);
        } else if !t.running && t.paused_by_min && !short {
            let r = self.platform.start_task(
                id,
                at,
                StatusTrigger::System,
                "MinAvailableAgentCount reached again",
            );
            if r.is_ok() {
                let t = &mut self.tasks[ti];
                t.running = true;
                t.paused_by_min = false;
                if let Some(p) = t.pauses.last_mut() {
                    p.resumed_at_s = Some(now_s);
                }
                if t.params.rewarm {
                    t.warm_until = self.now + t.params.warm_ms;
                }
                t.pacer.restarted(t.params.rewarm);
            }
        }
    }

    /// An agent held back by the day's cap (CallLimitStrategy) is back: at midnight, or when
    /// an UpdateTask raised or removed the cap.
    pub(super) fn release_cap(&mut self, a: u32) {
        if !self.capped[a as usize] {
            return;
        }
        self.capped[a as usize] = false;
        let ag = &self.agents[a as usize];
        if let Some(ti) = ag.task
            && ag.state == AgentState::Break
            && !ag.on_break
        {
            let ti = usize::from(ti);
            self.tasks[ti].available += 1;
            self.enter_idle(a);
            self.dispatch(ti);
            self.check_min_available(ti);
        }
    }
}
