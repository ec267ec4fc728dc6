"""The mission database: one declarative file per spacecraft class (subsystems, parameters with
units and limits, windows, models, rules), validated by a schema and read by every service."""

from satmon_mdb.database import (DEFAULT_CLASS, MissionDatabase, MissionDatabaseError, SubsystemView,
                                 load_class_file, load_mission_database, mdb_dir)

__all__ = ["DEFAULT_CLASS", "MissionDatabase", "MissionDatabaseError", "SubsystemView", "load_class_file",
           "load_mission_database", "mdb_dir"]
