-- The table Orleans' ADO.NET providers read their SQL from, one row per operation. Each provider's script
-- adds its rows; the keys, parameter names and result columns are the providers' contract.
CREATE TABLE OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL,
    QueryText varchar(8000) NOT NULL,

    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);
