"""An operator's telemetry archive in the documented export format, for onboarding a spacecraft
class: read and checked here, then imported, replayed, trained on and evaluated against."""

from satmon_archive.csv_archive import (ArchiveError, SatelliteArchive, column_names, read_archive,
                                        read_satellite_csv, write_satellite_csv)
from satmon_archive.labels import Label, read_labels, write_labels

__all__ = ["ArchiveError", "SatelliteArchive", "column_names", "read_archive", "read_satellite_csv",
           "write_satellite_csv", "Label", "read_labels", "write_labels"]
