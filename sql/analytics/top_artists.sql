-- Which artists are played most?
SELECT a.name AS artist, COUNT(*) AS plays, COUNT(DISTINCT p.song_id) AS songs
FROM songplays p
JOIN artists a ON a.artist_id = p.artist_id
GROUP BY a.artist_id, a.name
ORDER BY plays DESC, a.artist_id
LIMIT 10;
