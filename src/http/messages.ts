// What supporters read when something needs their attention, in their language. Codes and
// field problems come from the domain and from body validation; the words live here, once.
import type { Locale } from '../domain/campaign';
import type { ErrorCode } from '../domain/errors';

interface Catalogue {
  errors: Record<ErrorCode, string>;
  /** `<field>.<problem>`, falling back to `<problem>`. */
  fields: Record<string, string>;
}

const en: Catalogue = {
  errors: {
    validation_failed: 'Some fields need your attention.',
    invalid_postal_code: 'This is not a Canadian postal code. It looks like K1A 0A6.',
    postal_code_not_found: 'We could not find this postal code. Check it, or try another one nearby.',
    district_required: 'This postal code spans more than one riding. Choose yours.',
    campaign_not_found: 'There is no campaign at this address.',
    campaign_closed: 'This campaign is not taking new letters or signatures right now.',
    lookup_unavailable:
      'We cannot look up Members of Parliament right now. You can still send your letter: we will find your MP and send it shortly.',
    not_found: 'There is nothing at this address.',
    rate_limited: 'Too many attempts. Please wait a little and try again.',
    try_again: 'Please check your details, then press Send letter again.',
    payload_too_large: 'This is too much text to send at once (16 KB at most).',
    unsupported_media_type: 'Send the action as JSON (application/json) or as a form (application/x-www-form-urlencoded).',
    invalid_json: 'The request body is not valid JSON.',
    unauthorized: 'You need to sign in to see this: send Authorization: Bearer <ADMIN_TOKEN>.',
    invalid_signature: 'The request is not signed by SendGrid (missing or wrong Event Webhook signature).',
    csrf_failed: 'This form has expired. Go back, reload the page and try again.',
    admin_not_configured: 'The campaigners’ side is switched off: set ADMIN_TOKEN (a long random secret) and restart the service.',
    not_retryable: 'Only failed, bounced or dropped letters can be retried.',
    not_a_petition: 'This campaign is not a petition: it has no bundle of signatures.',
    unavailable: 'We cannot save anything right now. Please try again in a minute.',
    internal: 'Something went wrong on our side. Please try again.',
  },
  fields: {
    'firstName.required': 'Enter your first name.',
    'lastName.required': 'Enter your last name.',
    'email.required': 'Enter your email address.',
    'email.invalid': 'Enter an email address like name@example.com.',
    'postalCode.required': 'Enter your postal code.',
    'postalCode.invalid': 'Enter a Canadian postal code, like K1A 0A6.',
    'address.required': 'Enter your street address: MP offices reply to constituents only.',
    'city.required': 'Enter your city or town.',
    'message.too_long': 'Keep your paragraph under 2,000 characters.',
    'locale.invalid': 'Choose English (en) or French (fr).',
    required: 'This field is required.',
    too_long: 'This is too long.',
    invalid: 'This value is not valid.',
  },
};

const fr: Catalogue = {
  errors: {
    validation_failed: 'Certains champs sont à corriger.',
    invalid_postal_code: 'Ce n’est pas un code postal canadien. Il ressemble à K1A 0A6.',
    postal_code_not_found: 'Nous ne trouvons pas ce code postal. Vérifiez-le, ou essayez un code voisin.',
    district_required: 'Ce code postal couvre plus d’une circonscription. Choisissez la vôtre.',
    campaign_not_found: 'Il n’y a pas de campagne à cette adresse.',
    campaign_closed: 'Cette campagne n’accepte pas de nouvelles lettres ni signatures pour le moment.',
    lookup_unavailable:
      'Nous ne pouvons pas trouver les députés pour le moment. Vous pouvez tout de même envoyer votre lettre : nous trouverons votre député et l’enverrons sous peu.',
    not_found: 'Il n’y a rien à cette adresse.',
    rate_limited: 'Trop de tentatives. Veuillez patienter un peu, puis réessayer.',
    try_again: 'Vérifiez vos coordonnées, puis appuyez de nouveau sur Envoyer la lettre.',
    payload_too_large: 'Le texte envoyé est trop long (16 Ko au maximum).',
    unsupported_media_type: 'Envoyez l’action en JSON (application/json) ou par formulaire (application/x-www-form-urlencoded).',
    invalid_json: 'Le corps de la requête n’est pas du JSON valide.',
    unauthorized: 'Vous devez vous connecter pour voir ceci : envoyez Authorization: Bearer <ADMIN_TOKEN>.',
    invalid_signature: 'La requête n’est pas signée par SendGrid (signature du webhook d’événements absente ou fausse).',
    csrf_failed: 'Ce formulaire a expiré. Revenez en arrière, actualisez la page et réessayez.',
    admin_not_configured: 'L’espace des responsables de campagne est désactivé : définissez ADMIN_TOKEN (un long secret aléatoire) et redémarrez le service.',
    not_retryable: 'Seules les lettres non envoyées, refusées ou retenues peuvent être renvoyées.',
    not_a_petition: 'Cette campagne n’est pas une pétition : elle n’a pas de liasse de signatures.',
    unavailable: 'Nous ne pouvons rien enregistrer pour le moment. Veuillez réessayer dans une minute.',
    internal: 'Une erreur s’est produite de notre côté. Veuillez réessayer.',
  },
  fields: {
    'firstName.required': 'Entrez votre prénom.',
    'lastName.required': 'Entrez votre nom de famille.',
    'email.required': 'Entrez votre adresse courriel.',
    'email.invalid': 'Entrez une adresse courriel comme nom@exemple.ca.',
    'postalCode.required': 'Entrez votre code postal.',
    'postalCode.invalid': 'Entrez un code postal canadien, comme K1A 0A6.',
    'address.required': 'Entrez votre adresse : les bureaux des députés ne répondent qu’aux personnes de leur circonscription.',
    'city.required': 'Entrez votre ville ou municipalité.',
    'message.too_long': 'Votre paragraphe doit compter moins de 2 000 caractères.',
    'locale.invalid': 'Choisissez l’anglais (en) ou le français (fr).',
    required: 'Ce champ est obligatoire.',
    too_long: 'Ce texte est trop long.',
    invalid: 'Cette valeur n’est pas valide.',
  },
};

const CATALOGUES: Record<Locale, Catalogue> = { en, fr };

export const errorMessage = (locale: Locale, code: ErrorCode): string => CATALOGUES[locale].errors[code];

export function fieldMessages(locale: Locale, problems: Record<string, string>): Record<string, string> {
  const { fields } = CATALOGUES[locale];
  return Object.fromEntries(
    Object.entries(problems).map(([field, problem]) => [field, fields[`${field}.${problem}`] ?? fields[problem] ?? fields.invalid]),
  );
}

/** The supporter's language for an error: what they chose in the form, then ?lang=, then their browser's. */
export function requestLocale(req: { body?: unknown; query?: unknown; headers: Record<string, unknown> }): Locale {
  const asked = [
    (req.body as { locale?: unknown } | undefined)?.locale,
    (req.query as { lang?: unknown } | undefined)?.lang,
    String(req.headers['accept-language'] ?? '').slice(0, 2),
  ];
  for (const value of asked) {
    if (value === 'fr' || value === 'en') return value;
  }
  return 'en';
}
