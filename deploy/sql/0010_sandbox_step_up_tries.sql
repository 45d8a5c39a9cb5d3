-- A card issuer lets a customer try a step-up code a few times before it declines the charge: the sandbox counts
-- the wrong codes each charge has had.
ALTER TABLE sandbox_charges ADD COLUMN step_up_failures integer NOT NULL DEFAULT 0 CHECK (step_up_failures >= 0);
