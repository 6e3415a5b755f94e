/**
 * Part 2's elements, one lazy chunk: the script-tag entry imports it once a
 * `<tandem-peers>` or `<tandem-ask>` is in the document, and `<tandem-groups>`
 * imports its `<tandem-requests>` (the same chunk) once the learner has
 * requests to answer. One chunk rather than one per element: they share most
 * of their code (the base class, the routes, the reasons' wording), and one
 * gzipped file is about 1.8 KB smaller than four.
 */
import './tandem-peers.js';
import './tandem-ask.js';
import './tandem-requests.js';
