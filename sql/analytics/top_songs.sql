-- Which songs are played most?
SELECT s.title, a.name AS artist, COUNT(*) AS plays
FROM songplays p
JOIN songs s ON s.song_id = p.song_id
JOIN artists a ON a.artist_id = p.artist_id
GROUP BY s.song_id, s.title, a.name
ORDER BY plays DESC, s.song_id
LIMIT 10;
