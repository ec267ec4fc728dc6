//! The fields of proto/satmon/telemetry/v1 this crate reads, as prost messages. Field numbers and
//! types are those of the .proto files (events.proto, telemetry.proto); fields not declared here
//! are skipped when decoding. tests/unit/test_native.py checks the whole path against messages
//! built by the Python bindings generated from the same files, so a renumbered field fails there.

#[derive(Clone, PartialEq, prost::Message)]
pub struct Timestamp {
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

#[derive(Clone, Copy, PartialEq, prost::Message)]
pub struct Position {
    #[prost(double, tag = "1")]
    pub latitude_deg: f64,
    #[prost(double, tag = "2")]
    pub longitude_deg: f64,
    #[prost(double, tag = "3")]
    pub altitude_km: f64,
    #[prost(double, tag = "4")]
    pub velocity_km_s: f64,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Housekeeping {
    #[prost(double, tag = "1")]
    pub battery_voltage_v: f64,
    #[prost(double, tag = "2")]
    pub battery_soc_percent: f64,
    #[prost(double, tag = "3")]
    pub obc_temperature_c: f64,
    #[prost(double, tag = "4")]
    pub solar_power_w: f64,
    #[prost(double, tag = "5")]
    pub power_consumption_w: f64,
    #[prost(bool, tag = "6")]
    pub thruster_active: bool,
    #[prost(bool, tag = "7")]
    pub in_eclipse: bool,
    #[prost(message, optional, tag = "8")]
    pub position: Option<Position>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct SubsystemFrame {
    #[prost(string, tag = "4")]
    pub subsystem: String,
    #[prost(float, repeated, tag = "3")]
    pub features: Vec<f32>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct SubsystemSample {
    #[prost(string, tag = "1")]
    pub satellite_id: String,
    #[prost(message, optional, tag = "2")]
    pub sample_time: Option<Timestamp>,
    #[prost(uint64, tag = "3")]
    pub sequence: u64,
    #[prost(message, optional, tag = "5")]
    pub frame: Option<SubsystemFrame>,
    #[prost(message, optional, tag = "6")]
    pub housekeeping: Option<Housekeeping>,
    #[prost(string, tag = "7")]
    pub model_name: String,
    #[prost(string, tag = "8")]
    pub spacecraft_class: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct SubsystemSampleBatch {
    #[prost(message, repeated, tag = "1")]
    pub samples: Vec<SubsystemSample>,
}
