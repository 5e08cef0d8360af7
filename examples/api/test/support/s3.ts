/** The S3 server of the tests: the S3_* variables `.ci/run` exports (radosgw); under CI a missing one fails. */
export function s3Env(): Record<string, string> {
  const { S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION } = process.env;
  if (!S3_ENDPOINT || !S3_ACCESS_KEY || !S3_SECRET_KEY) {
    throw new Error(
      'S3_ENDPOINT, S3_ACCESS_KEY and S3_SECRET_KEY must be set: eval "$(bash scripts/s3-radosgw.sh start)"',
    );
  }
  return {
    S3_ENDPOINT,
    S3_ACCESS_KEY,
    S3_SECRET_KEY,
    S3_REGION: S3_REGION ?? 'us-east-1',
    S3_FORCE_PATH_STYLE: 'true',
  };
}
