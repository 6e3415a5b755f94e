import type { Catalogue } from './message-ids.js';

/** French messages, in the order of `MESSAGE_IDS`; loaded as a separate chunk, only on French pages. */
export const texts: Catalogue = [
  'Famille', // relationship.family
  'Ami·e', // relationship.friend
  'Collègue', // relationship.colleague
  'Camarade de formation', // relationship.classmate
  'Rencontré·e dans un cours précédent', // relationship.earlier-mooc
  'Rencontré·e dans ce cours', // relationship.this-mooc
  'Activités d’équipe', // object.collective-activities
  'Quiz et devoirs', // object.individual-activities
  'Regarder les vidéos', // object.watch-videos
  'Parler du cours', // object.discuss
  'S’entraider', // object.mutual-help
  'S’encourager', // object.encouragement
  'En personne, à deux', // modality.in-person-pair
  'En personne, en groupe', // modality.in-person-group
  'Réseau social ou messagerie', // modality.social-network
  'Téléphone ou visio', // modality.synchronous
  'Courriel', // modality.email
  'Documents partagés', // modality.shared-documents
  'En attente', // status.pending
  'Acceptée par {name}', // status.accepted
  'Refusée', // status.declined
  'Annulée', // status.cancelled
  'Expirée', // status.expired
  'Veuillez vous reconnecter.', // error.token_missing
  'Veuillez vous reconnecter.', // error.token_invalid
  'Veuillez vous reconnecter.', // error.token_expired
  'Ce lien d’invitation n’est pas valide ; demandez-en un nouveau.', // error.invite_not_found
  'Cette invitation a expiré.', // error.invite_expired
  'Cette invitation a été annulée.', // error.invite_cancelled
  'Cette invitation a déjà été utilisée.', // error.invite_used
  'Cette invitation a été refusée.', // error.invite_declined
  'C’est votre propre invitation.', // error.own_invite
  'Vous êtes déjà dans ce groupe.', // error.already_member
  'Ce groupe est complet.', // error.group_full
  'Ce groupe n’existe plus.', // error.group_not_found
  'Vous n’êtes pas dans ce groupe.', // error.not_member
  'Le cours ne propose pas ce choix.', // error.not_offered
  'Un problème est survenu ; réessayez plus tard.', // error.internal
  'Service injoignable.', // error.network
  'Ce navigateur ne peut pas stocker de données.', // error.storage_unavailable
  'Votre connexion n’a pas pu être vérifiée.', // error.token_unavailable
  'Erreur de configuration de Tandem', // config.title
  '{attribute} : absent, attendu {expected}', // config.missing
  '{attribute} : invalide, attendu {expected}', // config.invalid
  'une URL http(s) absolue', // expect.url
  'un identifiant de cours', // expect.course
  '1 à 300 caractères', // expect.course-title
  'un code de langue (en, fr)', // expect.lang
  'un objet JSON de messages', // expect.messages
  'Chargement…', // common.loading
  'Vous êtes hors ligne.', // common.offline
  'Enregistré pour cette visite seulement.', // common.memory-only
  'Envoi…', // common.sending
  'Sera envoyé à votre retour en ligne.', // common.waiting
  'Oui', // common.yes
  'Non', // common.no
  'Quoi', // common.what
  'Comment', // common.how
  'Étudier avec quelqu’un que vous connaissez', // invite.title
  'Se connecter ou s’inscrire pour inviter quelqu’un', // invite.signed-out
  'Qui invitez-vous ?', // invite.who
  'Que ferez-vous ensemble ?', // invite.what
  'Comment travaillerez-vous ensemble ?', // invite.how
  'Faites un choix.', // invite.need
  'Créer le lien d’invitation', // invite.create
  'Lien prêt : envoyez-le.', // invite.ready
  'Lien d’invitation', // invite.link
  'Copier', // invite.copy
  'Lien copié.', // invite.copied
  'Sélectionnez le lien et copiez-le.', // invite.copy-failed
  'Partager', // invite.share
  'Courriel', // invite.email
  'Suivons {course} ensemble', // invite.mail-subject
  'Inviter quelqu’un d’autre', // invite.again
  'Vos invitations', // invite.list
  'Annuler l’invitation', // invite.cancel
  'Annuler cette invitation ?', // invite.confirm-cancel
  'Inviter quelqu’un d’autre dans ce groupe', // invite.to-group
  'Votre groupe avec {names}', // invite.group
  '{name} vous invite à suivre {course} ensemble', // join.title
  'Invité·e en tant que : {relationship}', // join.as
  'Places prises : {members} sur {size}.', // join.group
  'Accepter', // join.accept
  'Refuser', // join.decline
  'Se connecter ou s’inscrire pour accepter', // join.sign-in
  'Vous avez rejoint le groupe.', // join.accepted
  'Vos groupes d’étude', // groups.title
  'Se connecter ou s’inscrire pour voir vos groupes', // groups.signed-out
  'Aucun groupe : invitez quelqu’un.', // groups.empty
  'Groupe de {count}', // groups.group
  '{name} (vous)', // groups.you
  'Comment me joindre (visible par ce groupe seulement)', // groups.note
  '{count}/200 caractères', // groups.count
  'Enregistrer', // groups.save
  'Note enregistrée.', // groups.saved
  'Quitter le groupe', // groups.leave
  'Quitter ce groupe ?', // groups.confirm-leave
  'Vous avez quitté le groupe.', // groups.left
  'En attente d’envoi', // common.pending
];
