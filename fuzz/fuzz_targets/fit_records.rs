//! `dialsim fit`'s reader and estimates on arbitrary bytes: the first byte picks the format
//! (CSV, JSON lines, JSON), the rest is the file. Nothing may panic; every row is used or
//! rejected.
#![no_main]
use dialsim::fit::records::{Format, read_from};
use dialsim::fit::Accumulator;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let format = match first % 3 {
        0 => Format::Csv,
        1 => Format::JsonLines,
        _ => Format::Json,
    };
    let Ok(mut acc) = Accumulator::new("Asia/Shanghai") else {
        return;
    };
    let (mut ok, mut bad) = (0u64, 0u64);
    let _ = read_from(rest, format, "fuzz", &mut |r| match r {
        Ok(row) => {
            ok += 1;
            acc.add(&row);
        }
        Err(e) => {
            bad += 1;
            acc.reject(&e);
        }
    });
    assert_eq!(acc.read, ok + bad, "every row is used or rejected");
    if acc.used > 0 && acc.used < 2_000 {
        let e = acc.estimate();
        assert!(e.json["records"]["used"].as_u64() == Some(acc.used));
    }
});
