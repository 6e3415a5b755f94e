import type { Catalogue } from './message-ids.js';

/** French messages of part 2, in the order of `PEER_MESSAGE_IDS`; loaded as a separate chunk, only on French pages with part 2. */
export const texts: Catalogue = [
  'Dites d’abord que vous cherchez un binôme.', // error.not_opted_in
  'Cette personne n’est pas disponible.', // error.peer_unavailable
  'Impossible de vous inviter vous-même.', // error.own_request
  'Une demande entre vous deux attend déjà une réponse.', // error.duplicate_request
  '20 de vos demandes attendent déjà une réponse.', // error.request_limit
  'Cette demande n’existe plus.', // error.request_not_found
  'Cette demande est déjà close.', // error.request_closed
  'Vous avez étudié ensemble dans un autre cours', // reason.earlier-partner
  'Réponses entre vous dans le forum : {count}', // reason.forum
  'Vous voulez tous deux : {list}', // reason.objects
  'Vous acceptez tous deux : {list}', // reason.modalities
  '{hours} h de disponibilité commune ({part})', // reason.availability
  'Même ville', // reason.same-city
  'Vous parlez tous deux {list}', // reason.language
  'Nuit', // part.night
  'Matin', // part.morning
  'Après-midi', // part.afternoon
  'Soir', // part.evening
  'Trouver un binôme d’étude', // peers.title
  'Se connecter ou s’inscrire pour trouver un binôme', // peers.signed-out
  'Trouvez qui, dans ce cours, cherche aussi un binôme. On voit votre nom, votre note et votre profil, pas votre courriel.', // peers.intro
  'Je cherche un binôme d’étude', // peers.start
  'Réessayer', // peers.retry
  'Langues pour étudier', // profile.languages
  'Choisissez de 1 à 5 langues.', // profile.languages-need
  'Votre fuseau horaire (détecté : {zone})', // profile.zone
  'Quand êtes-vous disponible chaque semaine ?', // profile.when
  'Heure locale : nuit 0–6 h, matin 6–12, après-midi 12–18, soir 18–24.', // profile.when-hint
  'Votre ville (pour vous rencontrer en personne)', // profile.city
  'En personne : voyez-vous d’abord dans un lieu public, dites à un proche où vous allez, partez si vous êtes mal à l’aise.', // profile.safety
  'Une note pour les autres (facultatif)', // profile.note
  '{count}/280 caractères', // profile.count
  'Me grouper automatiquement', // profile.auto
  'Enregistrer mon profil', // profile.save
  'Annuler', // profile.cancel
  'Profil enregistré.', // profile.saved
  'Modifier mon profil', // peers.edit
  'Ne plus chercher', // peers.stop
  'Ne plus chercher ? Vous quittez les listes aussitôt.', // peers.confirm-stop
  'Vous n’êtes plus dans les listes.', // peers.stopped
  'Qui vous correspond', // peers.list
  'Personne ne correspond encore : revenez bientôt.', // peers.empty
  'Afficher plus', // peers.more
  'Proposer d’étudier ensemble', // peers.ask
  'Refaire équipe', // peers.again
  'Demande envoyée', // peers.sent
  'Annuler la demande', // peers.cancel
  'Annuler cette demande ?', // peers.confirm-cancel
  'Demande annulée.', // peers.cancelled
  '{name} est bloqué·e.', // peers.blocked
  'Bloquer ou signaler', // peers.report
  'Un groupe vous a été formé : voyez vos groupes.', // pool.matched
  'Pas de groupe pour vous à ce tour.', // pool.none
  'Signaler à l’équipe du cours : pourquoi ?', // report.reason
  'Spam ou publicité', // report.spam
  'Harcèlement', // report.harassment
  'Note inappropriée', // report.inappropriate-note
  'Je ne me sens pas en sécurité', // report.safety
  'Autre chose', // report.other
  'Précisions (facultatif)', // report.details
  'Bloquer {name} (vous ne vous verrez plus)', // report.block
  'Signalement envoyé à l’équipe du cours. Merci.', // report.sent
  'Étudier avec {name}', // ask.button
  'Connectez-vous pour étudier avec {name}', // ask.signed-out
  'Demandes d’étude', // requests.title
  '{name} propose d’étudier avec vous', // requests.from
  'Un nouveau tandem', // requests.new
  'Dans son groupe de {members}', // requests.group
  'Vous étudiez avec {name} : voyez votre groupe.', // requests.accepted
  'Demande refusée.', // requests.declined
];
