/**
 * Word lists the generator combines into names, titles and places. Invented for this project;
 * a share of every list is non-ASCII so loaders meet accents, other scripts and astral characters.
 */

export const TITLE_WORDS = [
  'Love', 'Night', 'Summer', 'River', 'Fire', 'Heart', 'Blue', 'Road', 'Dream', 'Rain', 'City',
  'Gold', 'Shadow', 'Light', 'Wild', 'Electric', 'Silent', 'Broken', 'Midnight', 'Ocean', 'Stone',
  'Velvet', 'Paper', 'Glass', 'Thunder', 'Morning', 'Lonely', 'Sweet', 'Cold', 'Dancing', 'Train',
  'Highway', 'Mirror', 'Garden', 'Echo', 'Winter', 'Sugar', 'Radio', 'Neon', 'Ghost', 'Satellite',
  'Corazón', 'Mañana', 'Noche', 'Canción', 'Été', 'Fenêtre', 'Rêve', 'Sœur', 'Größe', 'Straße',
  'Frühling', 'Søndag', 'Ångest', 'Ljós', 'Żywot', 'Čas', 'Любовь', 'Ночь', 'Ελπίδα', 'Θάλασσα',
  '夜', 'こころ', '사랑', 'Ānanda', 'Café', 'Naïve', 'Señorita', 'Déjà Vu', 'Tōkyō',
];

export const TITLE_TAILS = [
  '', '', '', '', '', '', ' (Live)', ' (Remix)', ' (Album Version)', ' (Acoustic)', ' (Demo)',
  ' Part II', " (Rock 'n' Roll)", ' / Reprise', ' 🎵',
];

export const ARTIST_FIRST = [
  'Marcus', 'Lena', 'Otis', 'Nina', 'Dexter', 'Ruby', 'Felix', 'Iris', 'Hugo', 'Mabel', 'Jonas',
  'Clara', 'Silas', 'Ada', 'Tobias', 'Greta', 'José', 'Zoë', 'Chloé', 'Søren', 'Björn', 'Ana Lúcia',
  'François', 'Małgorzata', 'Jiří', 'Dmitrij', 'Yūko', 'Nguyễn', 'İlkay', 'Ñico',
];

export const ARTIST_LAST = [
  'Hale', 'Brooks', 'Vance', 'Mercer', 'Quinn', 'Holloway', 'Sterling', 'Avery', 'Fontaine', 'Crane',
  'Whitlock', 'Marlowe', 'Pierce', 'Lindqvist', 'Müller', 'Ødegård', 'Núñez', 'Dvořák', 'Kowalczyk',
  'Ortíz', 'Lefèvre', 'Ångström', 'Şahin', 'Петров', 'Okafor', 'Tanaka',
];

export const BAND_WORDS = [
  'Lanterns', 'Wolves', 'Satellites', 'Orchids', 'Machines', 'Pilots', 'Echoes', 'Ravens', 'Tides',
  'Strangers', 'Comets', 'Kings', 'Sparrows', 'Daydreams', 'Outlaws', 'Monarchs', 'Señoritas',
  'Fräuleins', 'Chevaliers', 'Niños',
];

export const BAND_PREFIXES = ['The ', 'The ', 'Los ', 'Les ', 'Die ', 'Club ', ''];

export const BAND_ADJECTIVES = [
  'Velvet', 'Midnight', 'Electric', 'Golden', 'Silver', 'Crimson', 'Wandering', 'Hollow', 'Lucky',
  'Dreadful', 'Köstliche', 'Étranges', 'Dorados', 'Smoky',
];

/** Artist places: about half of real artists have one, written as free text. */
export const ARTIST_PLACES: ReadonlyArray<{ name: string; latitude: number; longitude: number }> = [
  { name: 'Chicago, IL', latitude: 41.88415, longitude: -87.63241 },
  { name: 'Memphis, TN', latitude: 35.14968, longitude: -90.04892 },
  { name: 'New York, NY', latitude: 40.71455, longitude: -74.00712 },
  { name: 'Los Angeles, CA', latitude: 34.05349, longitude: -118.24532 },
  { name: 'Nashville, TN', latitude: 36.16778, longitude: -86.77836 },
  { name: 'Austin, TX', latitude: 30.26759, longitude: -97.74299 },
  { name: 'Seattle, WA', latitude: 47.60356, longitude: -122.32944 },
  { name: 'London, England', latitude: 51.50632, longitude: -0.12714 },
  { name: 'Manchester, England', latitude: 53.47962, longitude: -2.24881 },
  { name: 'Dublin, Ireland', latitude: 53.34376, longitude: -6.24953 },
  { name: 'Paris, France', latitude: 48.85692, longitude: 2.34121 },
  { name: 'Montréal, Québec, Canada', latitude: 45.51228, longitude: -73.55439 },
  { name: 'São Paulo, Brazil', latitude: -23.5489, longitude: -46.63882 },
  { name: 'Reykjavík, Iceland', latitude: 64.13548, longitude: -21.89541 },
  { name: 'Köln, Germany', latitude: 50.94165, longitude: 6.95505 },
  { name: 'Göteborg, Sweden', latitude: 57.70716, longitude: 11.96679 },
  { name: 'México D.F., México', latitude: 19.43194, longitude: -99.13306 },
  { name: 'Kraków, Poland', latitude: 50.06045, longitude: 19.93243 },
  { name: 'Tōkyō, Japan', latitude: 35.68968, longitude: 139.69211 },
  { name: 'Kingston, Jamaica', latitude: 17.99702, longitude: -76.79358 },
  { name: 'Detroit, MI', latitude: 42.33168, longitude: -83.04792 },
  { name: 'Oakland, CA', latitude: 37.80506, longitude: -122.27302 },
];

/** Places some artists give without coordinates (real data has many of these). */
export const VAGUE_PLACES = ['California - LA', 'Texas', 'UK', 'Brooklyn', 'Bahía Blanca', 'Scandinavia', 'On the road'];

export const USER_FIRST = [
  'Jacob', 'Layla', 'Kaylee', 'Tegan', 'Lily', 'Chloe', 'Aleena', 'Jayden', 'Ryan', 'Sara', 'Mohammad',
  'Jordan', 'Kate', 'Ava', 'Cienna', 'Walter', 'Matthew', 'Emily', 'Harper', 'Noah', 'Olivia', 'Liam',
  'Zoë', 'Jérôme', 'Łukasz', 'Aurélie', 'Renée', 'Søren', 'Maëlle', 'Iñaki', 'Dóra', 'Siân',
];

export const USER_LAST = [
  'Klein', 'Griffin', 'Cuevas', 'Levine', 'Koch', 'Garrison', 'Kirby', 'Smith', 'Jones', 'Bell',
  'Rodriguez', 'Hayes', 'Campbell', 'Freeman', 'Frye', 'Ellis', 'Carter', 'Ramsey', 'Muñoz',
  'Øvergaard', 'Nguyễn', 'Müller', "O'Brien", 'Ibáñez', 'Fürst', 'Çelik',
];

/** User locations, in the style of US metropolitan areas as the real logs write them. */
export const USER_LOCATIONS = [
  'San Francisco-Oakland-Hayward, CA', 'Tampa-St. Petersburg-Clearwater, FL',
  'Atlanta-Sandy Springs-Roswell, GA', 'New York-Newark-Jersey City, NY-NJ-PA',
  'Chicago-Naperville-Elgin, IL-IN-WI', 'Lansing-East Lansing, MI', 'Waterloo-Cedar Falls, IA',
  'Portland-South Portland, ME', 'Houston-The Woodlands-Sugar Land, TX', 'Phoenix-Mesa-Scottsdale, AZ',
  'Red Bluff, CA', 'Birmingham-Hoover, AL', 'Janesville-Beloit, WI', 'Winston-Salem, NC',
  'San Germán-Cabo Rojo, PR', 'Mayagüez, PR', 'Española, NM', 'Cañon City, CO',
];

/**
 * Browser user agents. The real logs wrap agents that contain a comma in literal double quotes
 * (a CSV artefact); the generator does the same.
 */
export const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 Safari/537.36',
  'Mozilla/5.0 (Windows NT 6.1; WOW64; rv:31.0) Gecko/20100101 Firefox/31.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.9; rv:31.0) Gecko/20100101 Firefox/31.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 7_1_2 like Mac OS X) AppleWebKit/537.51.2 (KHTML, like Gecko) Version/7.0 Mobile/11D257 Safari/9537.53',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:31.0) Gecko/20100101 Firefox/31.0',
  'Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; WOW64; Trident/6.0)',
  'Mozilla/5.0 (Windows NT 6.3; WOW64; Trident/7.0; rv:11.0) like Gecko',
  'Mozilla/5.0 (Windows NT 5.1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1985.143 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Ubuntu Chromium/36.0.1985.125 Chrome/36.0.1985.125 Safari/537.36',
].map((agent) => (agent.includes(',') ? `"${agent}"` : agent));
