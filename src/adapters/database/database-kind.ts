/** The catalog engines: SQLite by default, PostgreSQL when DATABASE_URL is set. Its own module so migrations need not import the opener. */
export type DatabaseKind = 'sqlite' | 'postgres';
