import { packageBuild } from '../../tsup.preset.ts';

export default packageBuild({
  index: 'src/index.ts',
  smtp: 'src/smtp/index.ts',
  redis: 'src/redis/index.ts',
  sendgrid: 'src/providers/sendgrid.ts',
  ses: 'src/providers/ses.ts',
  postmark: 'src/providers/postmark.ts',
  resend: 'src/providers/resend.ts',
  mailgun: 'src/providers/mailgun.ts',
});
