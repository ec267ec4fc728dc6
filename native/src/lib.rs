//! satmon's per-sample hot paths, compiled.
//!
//! At 1,000 satellites the writer turns 175,000 telemetry values a second into VictoriaMetrics JSON
//! lines. In Python that was about 60 us of CPU a record (seven subsystem samples): reading each
//! value out of its protobuf message, transposing rows into series and formatting every float
//! (BENCHMARKS.md, issue 26). Here the same work costs about a third.
//!
//! The scheduler reads the few fields it needs of every sample here too (scheduled_samples), instead
//! of through the protobuf bindings one attribute at a time.
//!
//! What each line says (metric names, labels) stays in Python, the one place it is defined
//! (`satmon_writer.domain.samples`): the caller hands in the line heads, and this module fills in
//! values and timestamps.

mod messages;

use std::collections::HashMap;
use std::fmt::Write;

use prost::Message;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};

use messages::{Housekeeping, SubsystemSample, SubsystemSampleBatch};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A Housekeeping field by its path in the message (the writer's HOUSEKEEPING_METRICS names them);
/// a flag as 0 or 1, an absent position as zeros (proto3's defaults).
fn housekeeping_value(hk: &Housekeeping, field: &str) -> Option<f64> {
    let position = hk.position.unwrap_or_default();
    Some(match field {
        "battery_voltage_v" => hk.battery_voltage_v,
        "battery_soc_percent" => hk.battery_soc_percent,
        "obc_temperature_c" => hk.obc_temperature_c,
        "solar_power_w" => hk.solar_power_w,
        "power_consumption_w" => hk.power_consumption_w,
        "thruster_active" => f64::from(u8::from(hk.thruster_active)),
        "in_eclipse" => f64::from(u8::from(hk.in_eclipse)),
        "position.latitude_deg" => position.latitude_deg,
        "position.longitude_deg" => position.longitude_deg,
        "position.altitude_km" => position.altitude_km,
        "position.velocity_km_s" => position.velocity_km_s,
        _ => return None,
    })
}

/// Nanoseconds since the epoch, as protobuf's Timestamp.ToNanoseconds() gives them (absent: 0).
fn sample_ns(sample: &SubsystemSample) -> i64 {
    sample.sample_time.as_ref().map_or(0, |t| t.seconds * 1_000_000_000 + i64::from(t.nanos))
}

/// Milliseconds since the epoch, as Timestamp.ToMilliseconds() gives them.
fn sample_ms(sample: &SubsystemSample) -> i64 {
    sample_ns(sample).div_euclid(1_000_000)
}

/// One series' samples gathered from a batch: the times, and each time's row of values, stored
/// one after another (no allocation per sample).
#[derive(Default)]
struct Gathered {
    times: Vec<i64>,
    values: Vec<f64>,
    row_ends: Vec<usize>,
}

impl Gathered {
    fn push(&mut self, time: i64, row: impl IntoIterator<Item = f64>) {
        self.times.push(time);
        self.values.extend(row);
        self.row_ends.push(self.values.len());
    }

    /// One JSON line per column (as many as there are heads, and no more than the narrowest row
    /// has: Python's zip), each the head, the column's values and the times, appended to `out`.
    fn lines<'py>(&self, py: Python<'py>, heads: &Bound<'py, PyTuple>, out: &Bound<'py, PyList>) -> PyResult<()> {
        let starts = std::iter::once(0).chain(self.row_ends.iter().copied());
        let rows: Vec<(usize, usize)> = starts.zip(self.row_ends.iter().copied()).collect();
        let narrowest = rows.iter().map(|(start, end)| end - start).min().unwrap_or(0);
        let mut stamps = String::from("],\"timestamps\":[");
        for (i, time) in self.times.iter().enumerate() {
            if i > 0 {
                stamps.push(',');
            }
            write!(stamps, "{time}").expect("writing to a String");
        }
        stamps.push_str("]}");
        let mut number = ryu::Buffer::new();
        let mut line = String::new();
        for (column, head) in heads.iter().enumerate().take(narrowest) {
            line.clear();
            line.push_str(head.downcast::<PyString>()?.to_str()?);
            for (i, (start, _)) in rows.iter().enumerate() {
                if i > 0 {
                    line.push(',');
                }
                line.push_str(number.format(self.values[start + column]));
            }
            line.push_str(&stamps);
            out.append(PyString::new(py, &line))?;
        }
        Ok(())
    }
}

/// The error decoding `data` as a SubsystemSampleBatch gives, or None when it decodes.
#[pyfunction]
fn sample_batch_error(data: &[u8]) -> Option<String> {
    SubsystemSampleBatch::decode(data).err().map(|e| e.to_string())
}

/// The samples of serialized SubsystemSampleBatch messages as VictoriaMetrics JSON lines: each
/// series (a satellite's subsystem parameter, or a housekeeping metric) once, with all its samples
/// in the order given, frames first in the order first seen, then housekeeping.
///
/// `frame_heads(satellite_id, spacecraft_class, subsystem)` gives the line heads of a subsystem's
/// parameters, `housekeeping_heads(satellite_id)` those of the housekeeping metrics, and
/// `first_subsystem(spacecraft_class)` the subsystem whose sample's housekeeping is stored (every
/// sample of a record carries the same), `housekeeping_fields` the Housekeeping fields stored, in
/// the order of their heads. A sample with no class is of `default_class`.
/// Raises ValueError if a message does not decode (check each with sample_batch_error first).
#[pyfunction]
fn telemetry_lines<'py>(
    py: Python<'py>,
    batches: Vec<Bound<'py, PyBytes>>,
    default_class: &str,
    frame_heads: &Bound<'py, PyAny>,
    housekeeping_heads: &Bound<'py, PyAny>,
    first_subsystem: &Bound<'py, PyAny>,
    housekeeping_fields: Vec<String>,
) -> PyResult<Bound<'py, PyList>> {
    if let Some(unknown) = housekeeping_fields.iter().find(|f| housekeeping_value(&Housekeeping::default(), f).is_none()) {
        return Err(PyValueError::new_err(format!("no Housekeeping field {unknown}")));
    }
    let decoded = batches
        .iter()
        .map(|b| SubsystemSampleBatch::decode(b.as_bytes()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| PyValueError::new_err(format!("undecodable SubsystemSampleBatch: {e}")))?;

    let mut first_of_class: HashMap<&str, String> = HashMap::new();
    let mut frame_keys: HashMap<(&str, &str, &str), usize> = HashMap::new();
    let mut frames: Vec<((&str, &str, &str), Gathered)> = Vec::new();
    let mut housekeeping_keys: HashMap<&str, usize> = HashMap::new();
    let mut housekeeping: Vec<(&str, Gathered)> = Vec::new();
    for sample in decoded.iter().flat_map(|batch| &batch.samples) {
        let time = sample_ms(sample);
        let class = if sample.spacecraft_class.is_empty() { default_class } else { sample.spacecraft_class.as_str() };
        let (subsystem, features) = sample.frame.as_ref().map_or(("", &[][..]), |f| (f.subsystem.as_str(), &f.features[..]));
        if let Some(hk) = &sample.housekeeping {
            if !first_of_class.contains_key(class) {
                first_of_class.insert(class, first_subsystem.call1((class,))?.extract()?);
            }
            if first_of_class[class] == subsystem {
                let at = *housekeeping_keys.entry(&sample.satellite_id).or_insert_with(|| {
                    housekeeping.push((&sample.satellite_id, Gathered::default()));
                    housekeeping.len() - 1
                });
                housekeeping[at].1.push(time, housekeeping_fields.iter().filter_map(|f| housekeeping_value(hk, f)));
            }
        }
        let key = (sample.satellite_id.as_str(), class, subsystem);
        let at = *frame_keys.entry(key).or_insert_with(|| {
            frames.push((key, Gathered::default()));
            frames.len() - 1
        });
        frames[at].1.push(time, features.iter().map(|v| f64::from(*v)));
    }

    let out = PyList::empty(py);
    for ((satellite_id, class, subsystem), gathered) in &frames {
        gathered.lines(py, frame_heads.call1((*satellite_id, *class, *subsystem))?.downcast()?, &out)?;
    }
    for (satellite_id, gathered) in &housekeeping {
        gathered.lines(py, housekeeping_heads.call1((*satellite_id,))?.downcast()?, &out)?;
    }
    Ok(out)
}

/// The fields the scheduler reads of every sample in a serialized SubsystemSampleBatch, one tuple
/// per sample in order: (satellite_id, spacecraft_class, model_name, sequence, sample time in
/// nanoseconds, the features as little-endian float32 bytes, `parsed`, the sample's index). The
/// scheduler makes each a Sample (Sample._make); `parsed` and the index lead to the whole message,
/// which it reads only for the few samples that need more. Raises ValueError when the payload does
/// not decode.
#[pyfunction]
fn scheduled_samples<'py>(py: Python<'py>, payload: &[u8], parsed: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
    let batch = SubsystemSampleBatch::decode(payload)
        .map_err(|e| PyValueError::new_err(format!("undecodable SubsystemSampleBatch: {e}")))?;
    let out = PyList::empty(py);
    let mut packed: Vec<u8> = Vec::new();
    for (index, sample) in batch.samples.iter().enumerate() {
        packed.clear();
        if let Some(frame) = &sample.frame {
            packed.extend(frame.features.iter().flat_map(|v| v.to_le_bytes()));
        }
        let time_ns = sample_ns(sample);
        out.append((
            sample.satellite_id.as_str(),
            sample.spacecraft_class.as_str(),
            sample.model_name.as_str(),
            sample.sequence,
            time_ns,
            PyBytes::new(py, &packed),
            &parsed,
            index,
        ))?;
    }
    Ok(out)
}

#[pymodule]
fn satmon_native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(sample_batch_error, module)?)?;
    module.add_function(wrap_pyfunction!(telemetry_lines, module)?)?;
    module.add_function(wrap_pyfunction!(scheduled_samples, module)?)?;
    Ok(())
}
