-- Grain state for Orleans' ADO.NET persistence provider. Table and query shapes are the provider's contract.
-- Version is the state's ETag: a write names the version it read, and a write that finds another version
-- changes nothing and returns no new version, which the provider raises as InconsistentStateException.

CREATE TABLE OrleansStorage
(
    GrainIdHash            integer                     NOT NULL,
    GrainIdN0              bigint                      NOT NULL,
    GrainIdN1              bigint                      NOT NULL,
    GrainTypeHash          integer                     NOT NULL,
    GrainTypeString        varchar(512)                NOT NULL,
    GrainIdExtensionString varchar(512)                NULL,
    ServiceId              varchar(150)                NOT NULL,
    PayloadBinary          bytea                       NULL,
    ModifiedOn             timestamp without time zone NOT NULL,
    Version                integer                     NULL
);

CREATE INDEX ix_orleansstorage ON OrleansStorage USING btree (GrainIdHash, GrainTypeHash);

-- One row per grain state. Without it two activations creating the same state at once could both insert;
-- with it the second insert finds the conflict and reports a version conflict instead.
CREATE UNIQUE INDEX ux_orleansstorage_grain ON OrleansStorage
    (ServiceId, GrainTypeHash, GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeString, GrainIdExtensionString)
    NULLS NOT DISTINCT;

-- Inserts (no version yet) or updates (from _GrainStateVersion). Returns the new version, or the version it
-- was given (null for an insert) when another write got there first.
CREATE FUNCTION writetostorage(
    _GrainIdHash            integer,
    _GrainIdN0              bigint,
    _GrainIdN1              bigint,
    _GrainTypeHash          integer,
    _GrainTypeString        varchar,
    _GrainIdExtensionString varchar,
    _ServiceId              varchar,
    _GrainStateVersion      integer,
    _PayloadBinary          bytea)
RETURNS TABLE(NewGrainStateVersion integer)
LANGUAGE plpgsql AS $body$
DECLARE
    affected integer;
BEGIN
    IF _GrainStateVersion IS NULL THEN
        INSERT INTO OrleansStorage
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId,
             PayloadBinary, ModifiedOn, Version)
        VALUES
            (_GrainIdHash, _GrainIdN0, _GrainIdN1, _GrainTypeHash, _GrainTypeString, _GrainIdExtensionString, _ServiceId,
             _PayloadBinary, now() AT TIME ZONE 'utc', 1)
        ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS affected = ROW_COUNT;
        RETURN QUERY SELECT CASE WHEN affected > 0 THEN 1 END;
    ELSE
        UPDATE OrleansStorage
        SET PayloadBinary = _PayloadBinary, ModifiedOn = now() AT TIME ZONE 'utc', Version = Version + 1
        WHERE GrainIdHash = _GrainIdHash
          AND GrainTypeHash = _GrainTypeHash
          AND GrainIdN0 = _GrainIdN0
          AND GrainIdN1 = _GrainIdN1
          AND GrainTypeString = _GrainTypeString
          AND GrainIdExtensionString IS NOT DISTINCT FROM _GrainIdExtensionString
          AND ServiceId = _ServiceId
          AND Version = _GrainStateVersion;
        GET DIAGNOSTICS affected = ROW_COUNT;
        RETURN QUERY SELECT CASE WHEN affected > 0 THEN _GrainStateVersion + 1 ELSE _GrainStateVersion END;
    END IF;
END
$body$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('WriteToStorageKey', '
    SELECT * FROM writetostorage(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
        @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary);
'),
('ReadFromStorageKey', '
    SELECT PayloadBinary, now() AT TIME ZONE ''utc'', Version
    FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash
      AND GrainTypeHash = @GrainTypeHash AND @GrainTypeHash IS NOT NULL
      AND GrainIdN0 = @GrainIdN0 AND @GrainIdN0 IS NOT NULL
      AND GrainIdN1 = @GrainIdN1 AND @GrainIdN1 IS NOT NULL
      AND GrainTypeString = @GrainTypeString AND @GrainTypeString IS NOT NULL
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
      AND ServiceId = @ServiceId AND @ServiceId IS NOT NULL;
'),
-- Clearing keeps the row (and its version sequence) with no payload.
('ClearStorageKey', '
    UPDATE OrleansStorage
    SET PayloadBinary = NULL, Version = Version + 1
    WHERE GrainIdHash = @GrainIdHash AND @GrainIdHash IS NOT NULL
      AND GrainTypeHash = @GrainTypeHash AND @GrainTypeHash IS NOT NULL
      AND GrainIdN0 = @GrainIdN0 AND @GrainIdN0 IS NOT NULL
      AND GrainIdN1 = @GrainIdN1 AND @GrainIdN1 IS NOT NULL
      AND GrainTypeString = @GrainTypeString AND @GrainTypeString IS NOT NULL
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
      AND ServiceId = @ServiceId AND @ServiceId IS NOT NULL
      AND Version = @GrainStateVersion AND @GrainStateVersion IS NOT NULL
    RETURNING Version AS NewGrainStateVersion;
'),
-- With DeleteStateOnClear the row goes; the version returned is the one a clear would have produced.
('DeleteStorageKey', '
    DELETE FROM OrleansStorage
    WHERE GrainIdHash = @GrainIdHash AND @GrainIdHash IS NOT NULL
      AND GrainTypeHash = @GrainTypeHash AND @GrainTypeHash IS NOT NULL
      AND GrainIdN0 = @GrainIdN0 AND @GrainIdN0 IS NOT NULL
      AND GrainIdN1 = @GrainIdN1 AND @GrainIdN1 IS NOT NULL
      AND GrainTypeString = @GrainTypeString AND @GrainTypeString IS NOT NULL
      AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
      AND ServiceId = @ServiceId AND @ServiceId IS NOT NULL
      AND Version = @GrainStateVersion AND @GrainStateVersion IS NOT NULL
    RETURNING Version + 1 AS NewGrainStateVersion;
');
