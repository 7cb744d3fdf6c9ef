//! The customer behind a number: its pre-drawn fate and the caller id shown to it.

use super::*;

impl Engine<'_> {
    /// The next number of the task and its pre-drawn fate: from the number's own stream, so
    /// every pacer meets the same customer behind the same number.
    pub(super) fn draw(&mut self, ti: usize) -> Call {
        let sc = self.sc;
        let c = &sc.file.customers;
        let (number, attempt, first_ms, backup) = self.next_target(ti);
        let now = self.now;
        let t = &mut self.tasks[ti];
        let first_ms = if attempt == 0 && backup == 0 {
            now
        } else {
            first_ms
        };
        let entity = (u64::from(t.idx) << 40) | number;
        // One stream per (number, attempt, backup number): the main number is backup 0.
        let mut rng = stream(
            self.seed,
            Stream::Number,
            entity,
            (u64::from(attempt) << 4) | u64::from(backup),
        );
        // The number's own stream, always drawn in the same order: kind, answer, time to
        // answer, patience, talk, IVR. Draws stop once the fate needs no more (a number that
        // does not answer needs no patience), which changes no value that is drawn: nothing
        // else reads this stream.
        let u_kind: f64 = rng.random();
        let u_answer: f64 = rng.random();
        let hour = ((sc.start.time().hour() as u64 * 3600
            + sc.start.time().minute() as u64 * 60
            + self.now / 1000)
            / 3600
            % 24) as usize;
        let mut p_answer = c
            .answer_probability_by_hour
            .as_ref()
            .and_then(|h| h.get(hour).copied())
            .unwrap_or(c.answer_probability);
        // The caller id shown, and its effect: from streams of their own, so that a change of
        // caller-id strategy leaves every other draw of the number as it was.
        let mut clid = u16::MAX;
        if !self.tasks[ti].clids.is_empty() {
            let mut r_area = stream(self.seed, Stream::Number, entity, 1 << 40);
            let u: f64 = r_area.random();
            let mut acc = 0.0;
            let mut area = None;
            for (i, a) in c.area_codes.iter().enumerate() {
                acc += a.share;
                if u < acc {
                    area = Some(i as u16);
                    break;
                }
            }
            let mut r_clid = stream(
                self.seed,
                Stream::Number,
                entity,
                (1 << 41) | (u64::from(attempt) << 4) | u64::from(backup),
            );
            if let Some(k) = self.pick_clid(ti, area, r_clid.random()) {
                clid = k;
                let (name, clid_area, _) = &self.tasks[ti].clids[usize::from(k)];
                if let Some(e) = &c.caller_id_effect {
                    let m = e
                        .by_clid
                        .get(name)
                        .copied()
                        .unwrap_or(match (clid_area, area) {
                            (Some(x), Some(y)) if *x == y => e.local,
                            (Some(_), _) => e.remote,
                            (None, _) => e.mobile,
                        });
                    p_answer = (p_answer * m).clamp(0.0, 1.0);
                }
            }
        }
        let t = &mut self.tasks[ti];
        let (mut tta, mut patience, mut talk, mut ivr) = (0, 0, 1, 1);
        let (fate, ring_ms) = if u_kind < c.invalid_probability {
            (Fate::Invalid, INVALID_MS)
        } else if u_kind < c.invalid_probability + c.unreachable_probability {
            (Fate::Unreachable, UNREACHABLE_MS)
        } else if u_kind < c.invalid_probability + c.unreachable_probability + c.busy_probability {
            (Fate::Busy, BUSY_MS)
        } else if u_answer < p_answer && {
            tta = ms(c.time_to_answer_s.sample(&mut rng));
            tta <= t.customer_timeout_ms || c.answers_after_timeout
        } {
            let patience_dist = if t.moh {
                c.patience_moh_s.as_ref().unwrap_or(&c.patience_s)
            } else {
                &c.patience_s
            };
            let scale = |h: &Option<Vec<f64>>| h.as_ref().and_then(|v| v.get(hour)).copied();
            patience =
                ms(patience_dist.sample(&mut rng)
                    * scale(&c.patience_scale_by_hour).unwrap_or(1.0));
            let talk_dist = c
                .talk_s
                .as_ref()
                .unwrap_or(&sc.file.enterprise.agent_behaviour.talk_s);
            talk =
                ms(talk_dist.sample(&mut rng) * scale(&c.talk_scale_by_hour).unwrap_or(1.0)).max(1);
            ivr = ms(t.ivr_duration.sample(&mut rng)).max(1);
            (Fate::Answer, tta)
        } else {
            (Fate::NoAnswer, t.customer_timeout_ms)
        };
        let _ = tta;
        Call {
            task: t.idx,
            epoch: 0,
            state: CallState::Ringing,
            fate,
            ring_ms,
            search_at: 0,
            agent: NONE,
            talk_ms: talk,
            patience_ms: patience,
            ivr_ms: ivr,
            decided_2s: false,
            overflowed: false,
            sure_at: NONE_TIME,
            number,
            placed_at: NONE_TIME,
            answered_at: NONE_TIME,
            bridged_at: NONE_TIME,
            agent_missed: false,
            end_reason: END_CUSTOMER,
            attempt,
            backup,
            clid,
            first_ms,
        }
    }

    /// The caller id for a call to a customer of area `area` (index into `clids`), drawn
    /// from `u` in [0, 1).
    pub(super) fn pick_clid(&self, ti: usize, area: Option<u16>, u: f64) -> Option<u16> {
        let t = &self.tasks[ti];
        if t.clids.is_empty() {
            return None;
        }
        let pick = |cands: &[usize]| -> Option<u16> {
            let total: u64 = cands.iter().map(|&i| u64::from(t.clids[i].2)).sum();
            if total == 0 {
                return cands
                    .get(((u * cands.len() as f64) as usize).min(cands.len().saturating_sub(1)))
                    .map(|&i| i as u16);
            }
            let mut x = u * total as f64;
            for &i in cands {
                x -= f64::from(t.clids[i].2);
                if x < 0.0 {
                    return Some(i as u16);
                }
            }
            cands.last().map(|&i| i as u16)
        };
        let all: Vec<usize> = (0..t.clids.len()).collect();
        if t.clid_by_area {
            for want in [area, t.clid_default_area].into_iter().flatten() {
                let local: Vec<usize> = all
                    .iter()
                    .copied()
                    .filter(|&i| t.clids[i].1 == Some(want))
                    .collect();
                if !local.is_empty() {
                    return pick(&local);
                }
            }
        }
        pick(&all)
    }
}
