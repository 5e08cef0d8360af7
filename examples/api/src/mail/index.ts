/** The service's mail: five typed templates and the mailer the config describes. */
export {
  type AppMailer,
  type AppMailerDeps,
  createAppMailer,
  type MailConfig,
  type MailTransportKind,
} from './mailer.ts';
export {
  type AppTemplates,
  appTemplates,
  enrollmentTemplate,
  notificationTemplate,
  otpTemplate,
  otpValidity,
  receiptTemplate,
  welcomeTemplate,
} from './templates/index.ts';
