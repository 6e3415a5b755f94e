import type { Catalogue } from './message-ids.js';

/** French messages of the instructor's dashboard, in the order of `DASHBOARD_MESSAGE_IDS`. */
export const texts: Catalogue = [
  'Seuls les enseignants du cours peuvent faire cela.', // error.forbidden
  'Cette connexion est celle d’un autre cours.', // error.course_mismatch
  'Le service a refusé cette demande.', // error.bad_request
  'Le service a envoyé une réponse que le tableau de bord ne sait pas lire.', // error.bad_reply
  'Le service ne connaît pas cela.', // error.not_found
  'Un tour d’appariement est déjà en cours : attendez qu’il se termine.', // error.pool_running
  'Trop de demandes : réessayez dans une minute.', // error.rate_limited
  'Groupes d’étude de {course}', // dash.title
  'Mis à jour à {time}', // dash.updated
  'Mise à jour…', // dash.updating
  'Actualiser', // dash.refresh
  'Réessayer', // dash.retry
  'Actualisation impossible : ces chiffres datent de {time}.', // dash.stale
  'Le service est injoignable.', // dash.unreachable
  'Seuls les enseignants du cours peuvent voir ce tableau de bord.', // dash.forbidden
  'Connectez-vous en tant qu’enseignant de ce cours pour voir son tableau de bord.', // dash.signed-out
  'Se connecter', // dash.sign-in
  'masqué', // dash.withheld
  '— : masqué (moins de {threshold}, ou masqué pour qu’un petit effectif ne puisse pas être déduit). Dans les fichiers CSV : un champ vide.', // dash.legend
  's.o.', // dash.na
  'Télécharger en CSV', // dash.csv
  'Télécharger en CSV l’export anonymisé pour la recherche', // dash.research-csv
  'Effectif', // dash.count
  'Groupes', // dash.groups
  'Qui fait équipe, pour quoi faire, et comment', // dash.typology
  'Un groupe compte une fois sous chaque code qu’il porte : les effectifs d’un tableau peuvent donc dépasser le nombre de groupes.', // dash.typology-note
  'Groupes par relation', // dash.by-relationship
  'Groupes selon ce qu’ils font ensemble', // dash.by-object
  'Groupes selon leur façon de travailler ensemble', // dash.by-modality
  'Relation et ce qu’ils font ensemble', // dash.relationship-object
  'Relation et façon de travailler ensemble', // dash.relationship-modality
  'Connu·e hors du MOOC', // dash.pchm
  'Connu·e dans un MOOC', // dash.pcdm
  'Relation', // dash.relationship
  'Groupes : tailles et vie', // dash.life
  'Groupes et membres', // dash.summary
  'Indicateur', // dash.figure
  'Groupes formés', // dash.formed
  'Groupes actifs', // dash.active
  'Groupes dissous', // dash.dissolved
  'Membres partis', // dash.members-left
  'Apprenants en groupe', // dash.learners-grouped
  'Groupes actifs par taille', // dash.by-size
  'Taille', // dash.size
  '{size} membres', // dash.members
  'Groupes formés chaque semaine (semaines terminées)', // dash.weekly
  'Semaine du', // dash.week
  'Une semaine s’affiche ici une fois terminée, si des groupes ont été formés.', // dash.no-weeks
  'De l’invitation au groupe', // dash.funnels
  'Étapes de la demande au travail ensemble', // dash.funnel
  'Étape', // dash.step
  'De l’étape précédente', // dash.conversion
  'Invitations', // dash.invites
  'Créées', // dash.invites-created
  'Ouvertes', // dash.invites-opened
  'Acceptées', // dash.invites-accepted
  'Demandes de binôme', // dash.requests
  'Envoyées', // dash.requests-sent
  'Acceptées', // dash.requests-accepted
  'Appariement automatique', // dash.pool
  'Apprenants inscrits', // dash.pool-opted-in
  'Appariés automatiquement', // dash.pool-matched
  'Délai médian de l’invitation à l’acceptation : {duration}', // dash.median
  'Délai médian de l’invitation à l’acceptation : masqué, ou aucune acceptation pour l’instant.', // dash.median-none
  '{n} min', // dash.minutes
  '{n} h', // dash.hours
  '{n} jours', // dash.days
  'Persévérance', // dash.persistence
  'Achèvement et progression', // dash.completion
  'Apprenants', // dash.learners
  'Ont terminé', // dash.completed
  'Taux d’achèvement', // dash.completion-rate
  'Progression moyenne', // dash.mean-progress
  'Qui', // dash.who
  'En groupe', // dash.grouped
  'Seuls', // dash.alone
  'En groupe ou non', // dash.group-or-not
  'Par relation dans leur premier groupe', // dash.by-relationship-rows
  'Apprenants dont la progression est connue : {count}', // dash.reported
  'C’est une corrélation, pas une preuve : les apprenants qui font équipe peuvent différer des autres par ailleurs (temps, motivation, études antérieures).', // dash.correlation
  'Son CSV est l’export anonymisé pour la recherche : des effectifs et des taux seulement, jamais un nom ni un identifiant.', // dash.research
  'Réglages du cours', // dash.controls
  'Le service applique ces réglages ; ce formulaire montre ce qu’il a répondu.', // dash.authority
  'Taille maximale des groupes', // dash.group-size
  '2 à 6 (2 : binômes)', // dash.group-size-hint
  'Ce que les apprenants peuvent faire ensemble', // dash.objects
  'Comment les apprenants peuvent travailler ensemble', // dash.modalities
  'au moins un choix', // dash.choose
  'Les apprenants peuvent indiquer une ville (pour se rencontrer)', // dash.city
  'Validité des invitations, en jours', // dash.lifetime
  '1 à 90', // dash.lifetime-hint
  'Appariement automatique toutes les N heures', // dash.pool-every
  '0 à 672 ; 0 : seulement quand il est lancé d’ici', // dash.pool-every-hint
  'Masquer les effectifs inférieurs à', // dash.threshold
  '3 à 100 (5 par défaut)', // dash.threshold-hint
  '{field} : attendu {hint}.', // dash.invalid
  'Enregistrer les réglages', // dash.save
  'Enregistrement…', // dash.saving
  'Réglages enregistrés.', // dash.saved
  'Impossible de charger les réglages du cours.', // dash.settings-failed
  'Lancer l’appariement maintenant', // dash.run-pool
  'Tour d’appariement lancé à {time}…', // dash.pool-started
  'Tour d’appariement terminé.', // dash.pool-done
  'Le tour d’appariement a échoué.', // dash.pool-failed
  'Candidats', // dash.candidates
  'Apprenants appariés', // dash.matched
  'Non appariés', // dash.unmatched
];
