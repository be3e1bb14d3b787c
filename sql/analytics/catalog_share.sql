-- What share of plays is of a song in the catalog (matched to the songs table)?
SELECT COUNT(*) AS plays,
       COUNT(song_id) AS plays_in_catalog,
       ROUND(CAST(100 * COUNT(song_id) AS DECIMAL(38, 6)) / NULLIF(COUNT(*), 0), 2) AS percent_in_catalog
FROM songplays;
