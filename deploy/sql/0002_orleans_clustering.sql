-- Cluster membership for Orleans' ADO.NET clustering provider (silos and clients). Table and query shapes
-- are the provider's contract. Every change to a membership row also bumps the deployment's version row,
-- and both happen or neither does: that version check is how silos agree on membership without locks.

CREATE TABLE OrleansMembershipVersionTable
(
    DeploymentId varchar(150)   NOT NULL,
    Timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    Version      integer        NOT NULL DEFAULT 0,

    CONSTRAINT PK_OrleansMembershipVersionTable_DeploymentId PRIMARY KEY (DeploymentId)
);

CREATE TABLE OrleansMembershipTable
(
    DeploymentId varchar(150)   NOT NULL,
    Address      varchar(45)    NOT NULL,
    Port         integer        NOT NULL,
    Generation   integer        NOT NULL,
    SiloName     varchar(150)   NOT NULL,
    HostName     varchar(150)   NOT NULL,
    Status       integer        NOT NULL,
    ProxyPort    integer        NULL,
    SuspectTimes varchar(8000)  NULL,
    StartTime    timestamptz(3) NOT NULL,
    IAmAliveTime timestamptz(3) NOT NULL,

    CONSTRAINT PK_MembershipTable_DeploymentId PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_MembershipTable_MembershipVersionTable_DeploymentId
        FOREIGN KEY (DeploymentId) REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

-- 1 when the deployment's version row was created, 0 when it already existed.
CREATE FUNCTION insert_membership_version(DeploymentIdArg varchar)
RETURNS TABLE(row_count integer)
LANGUAGE plpgsql AS $body$
DECLARE
    affected integer;
BEGIN
    INSERT INTO OrleansMembershipVersionTable (DeploymentId)
    VALUES (DeploymentIdArg)
    ON CONFLICT (DeploymentId) DO NOTHING;
    GET DIAGNOSTICS affected = ROW_COUNT;
    RETURN QUERY SELECT affected;
END
$body$;

-- Adds a silo's row and bumps the version from VersionArg, atomically: 1 on success, 0 (nothing changed)
-- when the row exists already or another silo changed membership first.
CREATE FUNCTION insert_membership(
    DeploymentIdArg varchar,
    AddressArg      varchar,
    PortArg         integer,
    GenerationArg   integer,
    SiloNameArg     varchar,
    HostNameArg     varchar,
    StatusArg       integer,
    ProxyPortArg    integer,
    StartTimeArg    timestamptz,
    IAmAliveTimeArg timestamptz,
    VersionArg      integer)
RETURNS TABLE(row_count integer)
LANGUAGE plpgsql AS $body$
DECLARE
    affected integer;
BEGIN
    BEGIN
        INSERT INTO OrleansMembershipTable
            (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
        VALUES
            (DeploymentIdArg, AddressArg, PortArg, GenerationArg, SiloNameArg, HostNameArg, StatusArg, ProxyPortArg,
             StartTimeArg, IAmAliveTimeArg)
        ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING;
        GET DIAGNOSTICS affected = ROW_COUNT;

        IF affected > 0 THEN
            UPDATE OrleansMembershipVersionTable
            SET Timestamp = now(), Version = Version + 1
            WHERE DeploymentId = DeploymentIdArg AND DeploymentIdArg IS NOT NULL
              AND Version = VersionArg AND VersionArg IS NOT NULL;
            GET DIAGNOSTICS affected = ROW_COUNT;
        END IF;

        IF affected = 0 THEN
            RAISE EXCEPTION USING ERRCODE = 'raise_exception';  -- undo the insert above
        END IF;
        RETURN QUERY SELECT affected;
    EXCEPTION WHEN raise_exception THEN
        RETURN QUERY SELECT 0;
    END;
END
$body$;

-- Bumps the version from VersionArg and updates the silo's row, atomically: 1 on success, else 0.
CREATE FUNCTION update_membership(
    DeploymentIdArg varchar,
    AddressArg      varchar,
    PortArg         integer,
    GenerationArg   integer,
    StatusArg       integer,
    SuspectTimesArg varchar,
    IAmAliveTimeArg timestamptz,
    VersionArg      integer)
RETURNS TABLE(row_count integer)
LANGUAGE plpgsql AS $body$
DECLARE
    affected integer;
BEGIN
    BEGIN
        UPDATE OrleansMembershipVersionTable
        SET Timestamp = now(), Version = Version + 1
        WHERE DeploymentId = DeploymentIdArg AND DeploymentIdArg IS NOT NULL
          AND Version = VersionArg AND VersionArg IS NOT NULL;
        GET DIAGNOSTICS affected = ROW_COUNT;

        IF affected > 0 THEN
            UPDATE OrleansMembershipTable
            SET Status = StatusArg, SuspectTimes = SuspectTimesArg, IAmAliveTime = IAmAliveTimeArg
            WHERE DeploymentId = DeploymentIdArg AND DeploymentIdArg IS NOT NULL
              AND Address = AddressArg AND AddressArg IS NOT NULL
              AND Port = PortArg AND PortArg IS NOT NULL
              AND Generation = GenerationArg AND GenerationArg IS NOT NULL;
            GET DIAGNOSTICS affected = ROW_COUNT;
        END IF;

        IF affected = 0 THEN
            RAISE EXCEPTION USING ERRCODE = 'raise_exception';  -- undo the version bump above
        END IF;
        RETURN QUERY SELECT affected;
    EXCEPTION WHEN raise_exception THEN
        RETURN QUERY SELECT 0;
    END;
END
$body$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('InsertMembershipVersionKey', '
    SELECT * FROM insert_membership_version(@DeploymentId);
'),
('InsertMembershipKey', '
    SELECT * FROM insert_membership(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
        @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version);
'),
('UpdateMembershipKey', '
    SELECT * FROM update_membership(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes,
        @IAmAliveTime, @Version);
'),
-- The heartbeat: no version bump, so it never contends with membership changes.
('UpdateIAmAlivetimeKey', '
    UPDATE OrleansMembershipTable
    SET IAmAliveTime = @IAmAliveTime
    WHERE DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL
      AND Address = @Address AND @Address IS NOT NULL
      AND Port = @Port AND @Port IS NOT NULL
      AND Generation = @Generation AND @Generation IS NOT NULL;
'),
-- The version row always comes back; the silo columns are null when the silo has no row.
('MembershipReadRowKey', '
    SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT JOIN OrleansMembershipTable m
           ON m.DeploymentId = v.DeploymentId
          AND m.Address = @Address AND @Address IS NOT NULL
          AND m.Port = @Port AND @Port IS NOT NULL
          AND m.Generation = @Generation AND @Generation IS NOT NULL
    WHERE v.DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL;
'),
('MembershipReadAllKey', '
    SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
    WHERE v.DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL;
'),
('DeleteMembershipTableEntriesKey', '
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL;
    DELETE FROM OrleansMembershipVersionTable
    WHERE DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL;
'),
('GatewaysQueryKey', '
    SELECT Address, ProxyPort, Generation
    FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL
      AND Status = @Status AND @Status IS NOT NULL
      AND ProxyPort > 0;
'),
-- Removes the rows of silos that are not active (status 3) and last heart-beat before @IAmAliveTime.
('CleanupDefunctSiloEntriesKey', '
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL
      AND IAmAliveTime < @IAmAliveTime
      AND Status != 3;
');
