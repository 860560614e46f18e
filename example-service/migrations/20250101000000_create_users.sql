-- Portable across SQLite and PostgreSQL: the same file serves both.
-- Ids are application-generated UUIDs stored as text; times are Unix seconds.
CREATE TABLE users (
    id            TEXT    NOT NULL PRIMARY KEY,
    username      TEXT    NOT NULL,
    email         TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    age           BIGINT  NOT NULL,
    created_at    BIGINT  NOT NULL,
    -- The database, not a check-then-insert, decides that an email is taken.
    CONSTRAINT users_email_key UNIQUE (email)
);
