-- Rotating a koppeling's Standard Webhooks signing secret without a gap: the previous secret stays valid
-- for 24 hours after a new one is set, as an earlier autorisatiesleutel does when a new key is issued.
ALTER TABLE koppeling_sleutels
  ADD COLUMN vorig_ondertekengeheim text,
  ADD COLUMN vorig_geheim_verloopt_op timestamptz,
  ADD CONSTRAINT koppeling_sleutels_vorig_geheim_check
    CHECK ((vorig_ondertekengeheim IS NULL) = (vorig_geheim_verloopt_op IS NULL));
