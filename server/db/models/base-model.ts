import { Model } from 'objection';

/** Common behaviour of all Fairport models: timestamps kept by the database and by updates. */
export class BaseModel extends Model {
  createdAt!: Date;
  updatedAt!: Date;

  override $beforeUpdate(): void {
    this.updatedAt = new Date();
  }
}
