-- Satellites are registered with a spacecraft class of the mission database (mission-db/<class>.yaml),
-- and with the model that scores each subsystem where the class names none. SMAP is the default
-- class; its models are per replayed channel ({"acs": "SMAP_A-1", ...}), so satellites registered
-- before this migration have no models until `satmon simulate` registers them again (it updates
-- an existing satellite's class and models), and their records are dead-lettered as `no_model`
-- meanwhile rather than scored by a guess.
ALTER TABLE satellites
    ADD COLUMN spacecraft_class text  NOT NULL DEFAULT 'smap',
    ADD COLUMN models           jsonb NOT NULL DEFAULT '{}'::jsonb;
