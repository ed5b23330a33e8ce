"""The library database's schema, one version per entry: ``PRAGMA user_version`` says how many ran.

Each entry upgrades the schema by one version; never edit a released entry, append.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE tasks (
        task_id      TEXT PRIMARY KEY,
        action       TEXT NOT NULL DEFAULT '',
        status       TEXT NOT NULL DEFAULT 'NOT_FETCHED',
        fail_reason  TEXT NOT NULL DEFAULT '',
        progress     TEXT NOT NULL DEFAULT '',
        submit_time  INTEGER,
        finish_time  INTEGER,
        added_at     REAL NOT NULL,
        fetched_at   REAL,
        error        TEXT NOT NULL DEFAULT '',
        raw_json     TEXT
    );
    CREATE TABLE clips (
        clip_id      TEXT PRIMARY KEY,
        task_id      TEXT NOT NULL REFERENCES tasks(task_id) ON DELETE CASCADE,
        position     INTEGER NOT NULL DEFAULT 0,
        kind         TEXT NOT NULL DEFAULT 'music',
        title        TEXT NOT NULL DEFAULT '',
        tags         TEXT NOT NULL DEFAULT '',
        lyrics       TEXT NOT NULL DEFAULT '',
        description  TEXT NOT NULL DEFAULT '',
        model        TEXT NOT NULL DEFAULT '',
        duration     REAL,
        created_at   TEXT,
        relay_status TEXT NOT NULL DEFAULT '',
        error        TEXT NOT NULL DEFAULT '',
        audio_url    TEXT NOT NULL DEFAULT '',
        image_url    TEXT NOT NULL DEFAULT '',
        video_url    TEXT NOT NULL DEFAULT '',
        state        TEXT NOT NULL DEFAULT 'pending',
        audio_path   TEXT,
        cover_path   TEXT,
        video_path   TEXT,
        file_stem    TEXT,
        tag_key      TEXT,
        removed      INTEGER NOT NULL DEFAULT 0,
        updated_at   REAL NOT NULL,
        raw_json     TEXT
    );
    CREATE INDEX clips_by_task ON clips(task_id, position);
    """,
    # 2: tasks the user removed stop being polled; when a task last changed, for `list --tasks`
    """
    ALTER TABLE tasks ADD COLUMN removed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE tasks ADD COLUMN updated_at REAL;
    UPDATE tasks SET updated_at = COALESCE(fetched_at, added_at);
    """,
    # 3: the journal of songs and lyrics asked for from the app, written before each submit
    """
    CREATE TABLE submissions (
        submission_id INTEGER PRIMARY KEY AUTOINCREMENT,
        mode          TEXT NOT NULL,
        request_json  TEXT NOT NULL,
        state         TEXT NOT NULL DEFAULT 'sending',
        task_id       TEXT NOT NULL DEFAULT '',
        error         TEXT NOT NULL DEFAULT '',
        created_at    REAL NOT NULL,
        updated_at    REAL NOT NULL
    );
    CREATE INDEX submissions_by_task ON submissions(task_id);
    """,
    # 4: what the relay says went wrong with a clip apart from what went wrong here (downloads, tags)
    """
    ALTER TABLE clips ADD COLUMN relay_error TEXT NOT NULL DEFAULT '';
    UPDATE clips SET relay_error = error, error = '' WHERE relay_status = 'error'
        OR task_id IN (SELECT task_id FROM tasks WHERE status = 'FAILURE');
    """,
    # 5: what the user judges and plays: 0-5 stars (0: none), plays counted by the player, the last one's time
    """
    ALTER TABLE clips ADD COLUMN rating INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE clips ADD COLUMN plays INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE clips ADD COLUMN last_played REAL;
    """,
    # 6: where a clip came from (the relay's lineage: an extension's parent and where it goes on)
    """
    ALTER TABLE clips ADD COLUMN parent_clip_id TEXT;
    ALTER TABLE clips ADD COLUMN relation TEXT NOT NULL DEFAULT '';
    ALTER TABLE clips ADD COLUMN continue_at REAL;
    CREATE INDEX clips_by_parent ON clips(parent_clip_id);
    """,
    # 7: the ratings the song file held when its tags were last written or read, and its mtime then:
    # a rating another player writes into the file comes back into the library (two-way)
    """
    ALTER TABLE clips ADD COLUMN file_ratings TEXT;
    ALTER TABLE clips ADD COLUMN tags_seen REAL;
    """,
    # 8: what the user wrote over the relay's title, style, lyrics and description (JSON: field -> text);
    # the relay's own values stay in their columns, so a refresh never overwrites an edit
    """
    ALTER TABLE clips ADD COLUMN edits TEXT;
    """,
    # 9: playlists, by clip id (moving the library folder moves them): a manual one's songs in order,
    # a smart one's saved query with an optional order and limit
    """
    CREATE TABLE playlists (
        playlist_id  INTEGER PRIMARY KEY AUTOINCREMENT,
        name         TEXT NOT NULL,
        kind         TEXT NOT NULL DEFAULT 'manual',
        query        TEXT NOT NULL DEFAULT '',
        sort         TEXT NOT NULL DEFAULT '',
        max_count    INTEGER,
        created_at   REAL NOT NULL,
        updated_at   REAL NOT NULL
    );
    CREATE UNIQUE INDEX playlists_by_name ON playlists(name COLLATE NOCASE);
    CREATE TABLE playlist_entries (
        playlist_id  INTEGER NOT NULL REFERENCES playlists(playlist_id) ON DELETE CASCADE,
        position     INTEGER NOT NULL,
        clip_id      TEXT NOT NULL,
        PRIMARY KEY (playlist_id, position),
        UNIQUE (playlist_id, clip_id)
    );
    CREATE INDEX playlist_entries_by_clip ON playlist_entries(clip_id);
    """,
)
